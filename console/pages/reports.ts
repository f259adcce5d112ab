/** Drift reports: the list, one report opened in place, a repair previewed (dry run) before it is enqueued. */
import { api, enc } from '../api.js';
import { html, shown } from '../html.js';
import { Loaded, type LoadedState } from '../loaded.js';
import type { DriftRow, PlannedChange, Report } from '../types.js';

const words = (category: string) => category.replace(/_/g, ' ');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function counts(r: Report): string {
  if (r.summary === null) return 'summary unreadable';
  const drift = Object.entries(r.summary.categories).filter(([, n]) => n > 0);
  return drift.length === 0 ? 'no drift' : drift.map(([c, n]) => `${words(c)} ${n}`).join(', ');
}

export class Reports extends Loaded<{ sync?: string }, Report[]> {
  async load(): Promise<Report[]> {
    const query = this.props.sync === undefined ? '' : `?sync=${enc(this.props.sync)}`;
    return (await api.get<{ reports: Report[] }>(`/api/reports${query}`)).reports;
  }

  view(rows: Report[]) {
    if (rows.length === 0) return html`<p>No drift reports yet (tandem drift &lt;sync&gt;, or drift.schedule).</p>`;
    return html`<table>
      <thead>
        <tr>
          <th>#</th>
          <th>sync</th>
          <th>when</th>
          <th>agreement</th>
          <th>drift</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr data-report=${r.id}>
              <td>${r.id}</td>
              <td>${r.sync}</td>
              <td>${r.generatedAt}</td>
              <td>${r.summary === null ? '?' : pct(r.summary.agreement)}</td>
              <td>${counts(r)}${r.repaired ? ' (repaired)' : ''}</td>
              <td><a href=${`#/reports/${r.id}`}>open</a></td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

interface Detail {
  report: Report;
  rows: DriftRow[] | null;
  unavailable: string | null;
}
interface Plan {
  dryRun: boolean;
  changes: PlannedChange[];
  conflicts: number;
  enqueued: number;
  blocked: number;
}

export class ReportPage extends Loaded<{ id: string }, Detail, LoadedState<Detail> & { plan?: Plan }> {
  async load(): Promise<Detail> {
    return api.get<Detail>(`/api/reports/${enc(this.props.id)}`);
  }

  repair(dryRun: boolean): Promise<void> {
    return this.act(async () => {
      const plan = await api.post<Plan>(`/api/reports/${enc(this.props.id)}/repair?dryRun=${String(dryRun)}`);
      this.setState({ plan: dryRun ? plan : undefined });
      return dryRun
        ? `Preview: ${plan.changes.length} write(s) and ${plan.conflicts} conflict(s) would follow. Nothing was written.`
        : `Repair enqueued: ${plan.enqueued} write(s) (${plan.blocked} blocked by dead letters), ${plan.conflicts} conflict(s) opened; a run delivers them.`;
    });
  }

  view(d: Detail) {
    const r = d.report;
    const plan = this.state.plan;
    const busy = this.state.busy === true;
    return html`<h2>Drift report #${r.id} of ${r.sync}, ${r.generatedAt}</h2>
      <p>
        ${r.summary === null ? '' : `${pct(r.summary.agreement)} in agreement; `}${counts(r)};
        ${r.summary?.repairable ?? 0} repairable.
      </p>
      <div class="actions">
        <button disabled=${busy || d.rows === null} onClick=${() => this.repair(true)}>
          Preview the repair (dry run)
        </button>
        ${plan === undefined ? null : html`<button class="danger" disabled=${busy} onClick=${() => this.repair(false)}>Repair now (${plan.changes.length} writes)</button>`}
      </div>
      ${plan === undefined ? null : planTable(plan)}
      ${d.unavailable === null ? null : html`<p class="muted">${d.unavailable}</p>`}
      ${d.rows === null ? null : rowsTable(d.rows)}
      <p><a href="#/reports">All reports</a></p>`;
  }
}

function planTable(plan: Plan) {
  if (plan.changes.length === 0) return html`<p>The repair would write nothing.</p>`;
  return html`<table class="plan">
    <thead>
      <tr>
        <th>write to</th>
        <th>action</th>
        <th>record</th>
        <th>from</th>
        <th>fields</th>
      </tr>
    </thead>
    <tbody>
      ${plan.changes.map(
        (c) =>
          html`<tr>
            <td>${c.side.toUpperCase()}</td>
            <td>${c.action}</td>
            <td>${c.targetId ?? '(new)'}</td>
            <td>${c.sourceId}</td>
            <td>${c.fields.map((f) => html`<div>${f.field}: ${shown(f.from)} → ${shown(f.to)}</div>`)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function rowsTable(rows: DriftRow[]) {
  if (rows.length === 0) return html`<p>Every record agrees.</p>`;
  const link = (url: string | undefined, text: string) =>
    url === undefined ? text : html`<a href=${url} target="_blank" rel="noopener noreferrer">${text}</a>`;
  return html`<table class="drift">
    <thead>
      <tr>
        <th>category</th>
        <th>record</th>
        <th>CRM</th>
        <th>ERP</th>
        <th>what differs</th>
        <th>action</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr>
            <td>${words(row.category)}</td>
            <td>${row.label ?? '(no name)'}</td>
            <td>${row.crmId === null ? '—' : link(row.urls.crm, row.crmId)}</td>
            <td>${row.erpId === null ? '—' : link(row.urls.erp, row.erpId)}</td>
            <td>
              ${row.detail}${row.fields.map((f) => html`<div>${f.field}: CRM ${shown(f.crm)}, ERP ${shown(f.erp)} (base ${shown(f.base)})</div>`)}
            </td>
            <td>${row.action}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
