/**
 * The mapping's document policies as planning applies them (src/mapping/policies.ts compiles them):
 *
 * - `creates`: only the named side's unlinked records create counterparts; an unlinked record of
 *   the other side is counted as filtered (it may still be paired by reference or match keys).
 * - `locked`: changes planned toward a locked ERP record become conflicts (kind `locked`), never a
 *   write; what flows to the CRM still flows.
 * - `onLeave`: a linked CRM record matching `when` gets its ERP counterpart cancelled (the
 *   `cancel` values, through the outbox like any write) or, when the counterpart is locked or the
 *   action is `report`, a conflict (kind `leave`). It never creates anything. Checked before the
 *   filter: a deal leaving closed-won leaves the filter at the same time.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { NewConflict } from '../../state/index.js';
import type { Side } from '../mapping/resolver.js';
import type { CanonicalValues } from '../mapping/types.js';
import type { Value } from '../mapping/values.js';
import type { RunContext, RunStats, SyncDefinition } from './context.js';
import type { Counterpart } from './counterparts.js';
import { operation, type Builder } from './plan-writes.js';
import { plannedOf } from './planned.js';

/** The conflict field of an onLeave conflict: the whole record, not one field. */
export const LEAVE_FIELD = '(leave)';

/** True when unlinked records of `side` may create their counterparts (`creates`); drift asks too. */
export function createsFrom(sync: SyncDefinition, side: Side): boolean {
  const creates = sync.mapping.policies.creates;
  return creates === 'both' || creates === side;
}

/** True when `record`, read from `side`, is a CRM record that matches `onLeave.when`. */
export function isLeaving(ctx: RunContext, side: Side, record: SourceRecord): boolean {
  const leave = ctx.sync.mapping.policies.onLeave;
  return side === 'crm' && leave !== undefined && !record.deleted && leave.leaves(record);
}

/** The ERP record already holds every cancel value: cancelled before (by us or a person). */
function cancelled(cancel: Readonly<Record<string, Value>>, erp: SourceRecord): boolean {
  return Object.entries(cancel).every(([field, value]) => {
    const current = erp.fields[field];
    return current === value || (typeof current === 'string' && current.trim() === String(value));
  });
}

/** A vendor value as a dry run prints it: scalars as they are, anything else as JSON text. */
function shown(value: unknown): Value {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? value
    : JSON.stringify(value);
}

/**
 * A CRM record that left (`isLeaving`): its linked ERP counterpart is cancelled, or a person is
 * asked; an unlinked one takes no part (never a create). The link records the CRM version handled,
 * so re-reads of it (the lookback window) are dropped as confirmed.
 */
export function planLeave(
  ctx: RunContext,
  pair: Counterpart,
  out: Builder,
  blocked: ReadonlyMap<string, ReadonlySet<string>>,
  stats: RunStats,
): void {
  const { sync } = ctx;
  const leave = sync.mapping.policies.onLeave;
  const { record, link } = pair;
  const erp = pair.other;
  if (leave === undefined || link === undefined || erp === undefined || erp.deleted) {
    stats.filtered++;
    return;
  }
  if (blocked.get(record.id)?.has(LEAVE_FIELD) === true) return; // a person decides already
  // This version was handled (a backfill, a re-read): a conflict a person resolved stays resolved.
  if (link.crm_version === record.modifiedAt) {
    stats.skippedAsEcho.crm++;
    return;
  }
  // Settled for this version (cancelled, or a person asked): the link remembers it. Not when a
  // cancel is only enqueued: a stale write re-planned (replan.ts) must plan the cancel again.
  const settled = { sync: sync.name, crmId: record.id, erpId: erp.id, base: {}, crmVersion: record.modifiedAt };
  if (leave.action === 'cancel' && cancelled(leave.cancel, erp)) {
    out.links.push(settled);
    stats.skippedAsEcho.crm++;
    return;
  }
  const locked = sync.mapping.policies.isLocked(erp);
  if (leave.action === 'report' || locked) {
    out.links.push(settled);
    out.conflicts.push({
      sync: sync.name,
      crmId: record.id,
      erpId: erp.id,
      field: LEAVE_FIELD,
      kind: 'leave',
      crmValue: 'left',
      erpValue: locked ? 'locked' : 'unchanged',
      baseValue: null,
    });
    return;
  }
  const payload = { ...leave.cancel };
  out.operations.push(operation(ctx, 'erp', record.id, erp.id, undefined, payload, {}, plannedOf(sync, 'erp', erp)));
  out.changes.push({
    side: 'erp',
    action: 'update',
    targetId: erp.id,
    sourceId: record.id,
    fields: Object.entries(leave.cancel).map(([field, to]) => ({
      field,
      from: shown(erp.fields[field]),
      to,
    })),
  });
}

/**
 * The fields a merge would write to a locked ERP record, as conflicts (kind `locked`) instead of a
 * write: the CRM's value against the ERP's, a person decides (`tandem conflicts resolve`).
 */
export function lockedConflicts(
  ctx: RunContext,
  ids: { readonly crmId: string; readonly erpId: string },
  toErp: Readonly<Record<string, Value>>,
  erp: CanonicalValues,
  base: CanonicalValues | null,
): NewConflict[] {
  return Object.entries(toErp).map(([field, value]) => ({
    sync: ctx.sync.name,
    crmId: ids.crmId,
    erpId: ids.erpId,
    field,
    kind: 'locked',
    crmValue: value,
    erpValue: erp[field] ?? null,
    baseValue: base?.[field] ?? null,
  }));
}
