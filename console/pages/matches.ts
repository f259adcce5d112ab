/** Ambiguous matches: the list, and one record beside its candidates; link the right one. */
import { api, enc } from '../api.js';
import { html } from '../html.js';
import { Loaded } from '../loaded.js';
import { fieldList, recordCard } from '../records.js';
import type { AmbiguousMatch, RecordView } from '../types.js';

/** A match is kept under its candidates' side: the record is of the other one. */
const recordSide = (m: { side: 'crm' | 'erp' }) => (m.side === 'crm' ? 'erp' : 'crm');
const ref = (m: AmbiguousMatch) => `${recordSide(m)}:${m.recordId}`;

export class Matches extends Loaded<{ sync?: string }, AmbiguousMatch[]> {
  async load(): Promise<AmbiguousMatch[]> {
    const query = this.props.sync === undefined ? '' : `?sync=${enc(this.props.sync)}`;
    return (await api.get<{ ambiguousMatches: AmbiguousMatch[] }>(`/api/ambiguous-matches${query}`)).ambiguousMatches;
  }

  view(rows: AmbiguousMatch[]) {
    if (rows.length === 0) return html`<p>No ambiguous matches.</p>`;
    return html`<table>
      <thead>
        <tr>
          <th>sync</th>
          <th>record</th>
          <th>match key</th>
          <th>candidates</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (m) =>
            html`<tr data-match=${ref(m)}>
              <td>${m.sync}</td>
              <td>${recordSide(m).toUpperCase()} ${m.recordId}</td>
              <td>${m.matchKey}</td>
              <td>${m.candidates.length}</td>
              <td><a href=${`#/matches/${enc(m.sync)}/${enc(ref(m))}`}>compare</a></td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

interface Detail extends Omit<AmbiguousMatch, 'candidates'> {
  record: RecordView;
  candidates: RecordView[];
}

export class MatchPage extends Loaded<{ sync: string; record: string }, Detail> {
  async load(): Promise<Detail> {
    return api.get<Detail>(`/api/syncs/${enc(this.props.sync)}/ambiguous-matches/${enc(this.props.record)}`);
  }

  link(candidate: string): Promise<void> {
    return this.act(async () => {
      const linked = await api.post<{ crmId: string; erpId: string }>(
        `/api/syncs/${enc(this.props.sync)}/ambiguous-matches/${enc(this.props.record)}/link`,
        { candidate },
      );
      return `Linked CRM ${linked.crmId} with ERP ${linked.erpId}; the next run of ${this.props.sync} merges them.`;
    }, true);
  }

  override afterGone() {
    return html`<p><a href="#/matches">All ambiguous matches</a></p>`;
  }

  view(d: Detail) {
    const busy = this.state.busy === true;
    return html`<h2>${recordSide(d).toUpperCase()} record ${d.recordId} of ${d.sync}: which is its counterpart?</h2>
      <p class="muted">Match key: ${d.matchKey}</p>
      <div class="side-by-side">
        <div class="subject">
          ${recordCard('This record', d.record)}${fieldList(d.record.values ?? d.record.fields)}
        </div>
        ${
          d.candidates.length === 0
            ? html`<p>No candidates: records of its own side share its key. Merge or correct them in their system.</p>`
            : d.candidates.map(
                (c) =>
                  html`<div class="candidate" data-candidate=${c.id}>
                    ${recordCard(`Candidate ${c.id}`, c)}${fieldList(c.values ?? c.fields)}
                    <button disabled=${busy || !c.found || c.archived} onClick=${() => this.link(c.id)}>
                      Link this one
                    </button>
                  </div>`,
              )
        }
      </div>
      <p><a href="#/matches">All ambiguous matches</a></p>`;
  }
}
