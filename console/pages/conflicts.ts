/** Conflicts: the open list, and one conflict with both values, the base, both records; resolve it. */
import { api, enc } from '../api.js';
import { html, shown } from '../html.js';
import { Loaded, type LoadedState } from '../loaded.js';
import { recordCard } from '../records.js';
import type { Conflict, RecordView } from '../types.js';

export class Conflicts extends Loaded<{ sync?: string }, Conflict[]> {
  async load(): Promise<Conflict[]> {
    const query = this.props.sync === undefined ? '' : `?sync=${enc(this.props.sync)}`;
    return (await api.get<{ conflicts: Conflict[] }>(`/api/conflicts${query}`)).conflicts;
  }

  view(rows: Conflict[]) {
    if (rows.length === 0) return html`<p>No open conflicts.</p>`;
    return html`<table>
      <thead>
        <tr>
          <th>#</th>
          <th>sync</th>
          <th>field</th>
          <th>CRM value</th>
          <th>ERP value</th>
          <th>base</th>
          <th>since</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (c) =>
            html`<tr data-conflict=${c.id}>
              <td>${c.id}</td>
              <td>${c.sync}</td>
              <td>${c.field}${c.kind === 'field' ? '' : ` (${c.kind})`}</td>
              <td>${shown(c.crm)}</td>
              <td>${shown(c.erp)}</td>
              <td>${shown(c.base)}</td>
              <td>${c.createdAt}</td>
              <td><a href=${`#/conflicts/${c.id}`}>resolve</a></td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

interface Detail {
  conflict: Conflict & { status: string };
  crm: RecordView | null;
  erp: RecordView | null;
  readError: string | null;
}

export class ConflictPage extends Loaded<{ id: string }, Detail, LoadedState<Detail> & { value?: string }> {
  async load(): Promise<Detail> {
    return api.get<Detail>(`/api/conflicts/${enc(this.props.id)}`);
  }

  resolve(body: { take: 'crm' | 'erp' } | { value: string }): Promise<void> {
    return this.act(async () => {
      const answer = await api.post<{ queued: number }>(`/api/conflicts/${enc(this.props.id)}/resolve`, body);
      return `Conflict #${this.props.id} resolved; ${answer.queued} write(s) queued for the next run.`;
    });
  }

  view(d: Detail) {
    const c = d.conflict;
    const busy = this.state.busy === true || c.status !== 'open';
    return html`<h2>Conflict #${c.id}: ${c.field} in ${c.sync} <span class="badge">${c.status}</span></h2>
      ${d.readError === null ? null : html`<p class="error">The records could not be read now: ${d.readError}</p>`}
      <div class="side-by-side">
        <div>
          ${recordCard('CRM record', d.crm)}
          <p class="muted">CRM value</p>
          <p class="value" data-value="crm">${shown(c.crm)}</p>
        </div>
        <div class="base">
          <h3>Base (last agreed)</h3>
          <p class="value" data-value="base">${shown(c.base)}</p>
        </div>
        <div>
          ${recordCard('ERP record', d.erp)}
          <p class="muted">ERP value</p>
          <p class="value" data-value="erp">${shown(c.erp)}</p>
        </div>
      </div>
      <div class="actions">
        <button disabled=${busy} onClick=${() => this.resolve({ take: 'crm' })}>Take CRM</button>
        <button disabled=${busy} onClick=${() => this.resolve({ take: 'erp' })}>Take ERP</button>
        <form
          class="inline"
          onSubmit=${(e: Event) => {
            e.preventDefault();
            void this.resolve({ value: this.state.value ?? '' });
          }}
        >
          <label
            >Another value
            <input
              name="value"
              value=${this.state.value ?? ''}
              onInput=${(e: Event) => this.setState({ value: (e.target as HTMLInputElement).value })}
          /></label>
          <button type="submit" disabled=${busy}>Use this value</button>
        </form>
      </div>
      <p><a href="#/conflicts">All conflicts</a></p>`;
  }
}
