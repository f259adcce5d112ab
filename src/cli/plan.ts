/** How a dry run prints its plan: totals per side, then one line per write with its field diffs. */
import type { Side } from '../mapping/resolver.js';
import type { PlannedChange } from '../pipeline/plan-writes.js';
import { show } from '../mapping/values.js';
import type { Output } from './output.js';

export interface PlanTotals {
  creates: number;
  updates: number;
  archives: number;
}

export type PlanSummary = Record<Side, PlanTotals>;

export function planTotals(changes: Iterable<PlannedChange>, into?: PlanSummary): PlanSummary {
  const totals = into ?? {
    crm: { creates: 0, updates: 0, archives: 0 },
    erp: { creates: 0, updates: 0, archives: 0 },
  };
  for (const c of changes) {
    const t = totals[c.side];
    if (c.action === 'create') t.creates++;
    else if (c.action === 'archive') t.archives++;
    else t.updates++; // an update, or a restore (an update of the active field)
  }
  return totals;
}

export function describeTotals(totals: PlanSummary): string {
  const side = (s: Side) =>
    `${s}: ${totals[s].creates} create, ${totals[s].updates} update, ${totals[s].archives} archive`;
  return `${side('erp')}; ${side('crm')}`;
}

/** One line per planned write: `update erp 17 (from crm 101): email "a@x" -> "b@x"`. */
export function describeChange(change: PlannedChange): string {
  const from = change.sourceId === '' ? '' : ` (from ${change.side === 'crm' ? 'erp' : 'crm'} ${change.sourceId})`;
  const target = change.targetId === null ? '' : ` ${change.targetId}`;
  const fields = change.fields
    .map((f) =>
      change.action === 'create' ? `${f.field} ${show(f.to)}` : `${f.field} ${show(f.from)} -> ${show(f.to)}`,
    )
    .join('; ');
  return `  ${change.action} ${change.side}${target}${from}${fields === '' ? '' : `: ${fields}`}`;
}

export function printPlan(out: Output, title: string, changes: readonly PlannedChange[]): void {
  out.line(`${title} (dry run: nothing was written to either system): ${describeTotals(planTotals(changes))}`);
  for (const change of changes) out.line(describeChange(change));
}
