/**
 * Run history and one run's changes, from `GET /api/runs` and `GET /api/runs/{id}/changes`. A daemon
 * without those routes (an older one) answers 404: the page says run history is not available.
 */
import { api, ApiError, enc } from '../api.js';
import { html, shown } from '../html.js';
import { Loaded } from '../loaded.js';

type Json = Record<string, unknown>;
type RunList = { available: true; runs: Json[] } | { available: false };
type Changes = { available: true; changes: Json[] } | { available: false };

async function orAbsent<T>(work: () => Promise<T>): Promise<T | { available: false }> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404 && error.code === 'NOT_FOUND') return { available: false };
    throw error;
  }
}

const notAvailable = html`<p class="muted">Run history is not available from this daemon.</p>`;
const cell = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : shown(v));

export class Runs extends Loaded<{ sync?: string }, RunList> {
  async load(): Promise<RunList> {
    const query = this.props.sync === undefined ? '' : `?sync=${enc(this.props.sync)}`;
    return orAbsent(async () => ({
      available: true as const,
      runs: (await api.get<{ runs: Json[] }>(`/api/runs${query}`)).runs,
    }));
  }

  view(data: RunList) {
    if (!data.available) return notAvailable;
    if (data.runs.length === 0)
      return html`<p>No runs recorded${this.props.sync === undefined ? '' : ` for ${this.props.sync}`}.</p>`;
    const columns = ['id', 'sync', 'kind', 'status', 'startedAt', 'finishedAt'];
    return html`<table>
      <thead>
        <tr>
          ${columns.map((c) => html`<th>${c}</th>`)}
          <th>changes</th>
        </tr>
      </thead>
      <tbody>
        ${data.runs.map(
          (r) =>
            html`<tr>
              ${columns.map((c) => html`<td>${cell(r[c])}</td>`)}
              <td><a href=${`#/runs/${String(r['id'])}`}>open</a></td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

export class RunChanges extends Loaded<{ id: string }, Changes> {
  async load(): Promise<Changes> {
    return orAbsent(async () => ({
      available: true as const,
      changes: (await api.get<{ changes: Json[] }>(`/api/runs/${enc(this.props.id)}/changes`)).changes,
    }));
  }

  view(data: Changes) {
    if (!data.available) return notAvailable;
    if (data.changes.length === 0) return html`<p>Run #${this.props.id} changed no record.</p>`;
    const keys = [...new Set(data.changes.flatMap((c) => Object.keys(c)))];
    return html`<h2>Run #${this.props.id}: ${data.changes.length} records changed</h2>
      <table>
        <thead>
          <tr>
            ${keys.map((k) => html`<th>${k}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${data.changes.map(
            (c) =>
              html`<tr>
                ${keys.map((k) => html`<td>${cell(c[k])}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>`;
  }
}
