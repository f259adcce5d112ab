/** Dead letters: the vendor's error in words, the payload; retry or drop. */
import { api, enc } from '../api.js';
import { html } from '../html.js';
import { Loaded } from '../loaded.js';
import type { DeadLetter } from '../types.js';

/** The error as a sentence: the vendor's message, its code and HTTP status where known. */
export function inWords(error: unknown): string {
  if (typeof error === 'string') return error;
  if (typeof error !== 'object' || error === null) return JSON.stringify(error);
  const e = error as { message?: unknown; code?: unknown; status?: unknown; reason?: unknown; field?: unknown };
  const message =
    typeof e.message === 'string' ? e.message : typeof e.reason === 'string' ? e.reason : JSON.stringify(error);
  const parts = [
    typeof e.status === 'number' ? `HTTP ${e.status}` : null,
    typeof e.code === 'string' ? e.code : null,
    typeof e.field === 'string' ? `field ${e.field}` : null,
  ].filter((p) => p !== null);
  return `${message.replace(/\s*\n\s*/g, ' ')}${parts.length === 0 ? '' : ` (${parts.join(', ')})`}`;
}

const target = (d: DeadLetter) =>
  d.stage === 'map' ? `a record of the other side, ${d.recordId}` : `${d.side.toUpperCase()} record ${d.recordId}`;

export class DeadLetters extends Loaded<{ sync?: string }, DeadLetter[]> {
  async load(): Promise<DeadLetter[]> {
    const query = this.props.sync === undefined ? '' : `?sync=${enc(this.props.sync)}`;
    return (await api.get<{ deadLetters: DeadLetter[] }>(`/api/dead-letters${query}`)).deadLetters;
  }

  view(rows: DeadLetter[]) {
    if (rows.length === 0) return html`<p>No dead letters.</p>`;
    return html`<table>
      <thead>
        <tr>
          <th>#</th>
          <th>sync</th>
          <th>write to</th>
          <th>stage</th>
          <th>what went wrong</th>
          <th>since</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (d) =>
            html`<tr data-letter=${d.id}>
              <td>${d.id}</td>
              <td>${d.sync}</td>
              <td>${target(d)}</td>
              <td>${d.stage}</td>
              <td>${inWords(d.error)}</td>
              <td>${d.createdAt}</td>
              <td><a href=${`#/dead-letters/${d.id}`}>open</a></td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

export class DeadLetterPage extends Loaded<{ id: string }, DeadLetter> {
  async load(): Promise<DeadLetter> {
    return (await api.get<{ deadLetter: DeadLetter }>(`/api/dead-letters/${enc(this.props.id)}`)).deadLetter;
  }

  letter(action: 'retry' | 'drop'): Promise<void> {
    return this.act(async () => {
      await api.post(`/api/dead-letters/${enc(this.props.id)}/${action}`);
      return action === 'retry'
        ? `Dead letter #${this.props.id} is back in the outbox (same idempotency key); the next run delivers it.`
        : `Dead letter #${this.props.id} dropped.`;
    }, true);
  }

  override afterGone() {
    return html`<p><a href="#/dead-letters">All dead letters</a></p>`;
  }

  view(d: DeadLetter) {
    const busy = this.state.busy === true;
    return html`<h2>Dead letter #${d.id} of ${d.sync}</h2>
      <p class="error-text">${inWords(d.error)}</p>
      <p>
        Write to ${target(d)}, stage ${d.stage}, since
        ${d.createdAt}${d.operationKey === null ? '' : html`, key <code>${d.operationKey}</code>`}.
      </p>
      <h3>Payload</h3>
      <pre class="payload">${JSON.stringify(d.payload, null, 2)}</pre>
      <div class="actions">
        <button disabled=${busy || d.operationKey === null} onClick=${() => this.letter('retry')}>Retry</button>
        <button disabled=${busy} class="danger" onClick=${() => this.letter('drop')}>Drop</button>
      </div>
      ${d.operationKey === null ? html`<p class="muted">A record that could not be mapped cannot be retried: fix the mapping, then backfill.</p>` : null}
      <p><a href="#/dead-letters">All dead letters</a></p>`;
  }
}
