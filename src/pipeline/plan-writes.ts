/**
 * Operations for the cases that are not a field merge: a record with no counterpart yet (create it
 * on the other side, idempotently by reference), a tombstone (archive the counterpart, or queue a
 * delete-versus-edit conflict), and the shape of one upsert operation.
 */
import type { SourceRecord } from '../../connectors/types.js';
import {
  markersOf,
  type LinkUpdate,
  type NewConflict,
  type NewDeadLetter,
  type NewOperation,
  type WaitingRecord,
} from '../../state/index.js';
import type { Side } from '../mapping/resolver.js';
import type { CanonicalResult, CanonicalValues } from '../mapping/types.js';
import type { Value } from '../mapping/values.js';
import type { RunContext, RunStats } from './context.js';
import type { Counterpart } from './counterparts.js';
import { idempotencyKey, payloadHash } from './hash.js';
import { hashedPayload } from './planned.js';
import type { PrefetchingResolver } from './resolver.js';
import { objectOf, other, pairIds, referenceFor } from './sides.js';

/** One planned write in words and canonical values: what a dry run prints. */
export interface PlannedChange {
  /** The side written to. */
  readonly side: Side;
  readonly action: 'create' | 'update' | 'archive' | 'restore';
  /** The record written; null for a create. */
  readonly targetId: string | null;
  /** The record on the other side the write comes from. */
  readonly sourceId: string;
  /** The operation's idempotency key (run history joins it to the outbox for the write's status). */
  readonly key?: string;
  readonly fields: readonly { readonly field: string; readonly from: Value; readonly to: Value }[];
}

/** A change as a plan prints it: without its operation's idempotency key (the run history's join). */
export function inWords(change: PlannedChange): PlannedChange {
  const { key, ...rest } = change;
  void key;
  return rest;
}

/** What planning collects for one page. */
export interface Builder {
  readonly operations: NewOperation[];
  readonly deadLetters: NewDeadLetter[];
  readonly conflicts: NewConflict[];
  readonly parked: WaitingRecord[];
  readonly links: LinkUpdate[];
  readonly changes: PlannedChange[];
}

/** The fields a write changes on its target, from the target's current canonical values. */
export function changedFields(
  values: Readonly<Record<string, Value>>,
  current: CanonicalValues | null,
): PlannedChange['fields'] {
  return Object.entries(values).map(([field, to]) => ({ field, from: current?.[field] ?? null, to }));
}

export function planCreate(
  ctx: RunContext,
  side: Side,
  record: SourceRecord,
  values: CanonicalValues,
  out: Builder,
  resolver: PrefetchingResolver,
  stats: RunStats,
): void {
  const { sync } = ctx;
  const them = other(side);
  const flows = sync.mapping.fields.filter(
    (f) => f.direction === 'both' || f.direction === (side === 'crm' ? 'crm->erp' : 'erp->crm'),
  );
  const only = new Set(flows.map((f) => f.name));
  const encoded = sync.mapping.encode(them, values, resolver, only);
  const ref = referenceFor(sync, them, record);
  if (!encoded.ok || ref === undefined) {
    const error = !encoded.ok
      ? encoded
      : {
          code: 'NO_REFERENCE',
          message: `declare a ${them} reference in ${sync.mapping.file} so that a create on the ${them} side can be made idempotent`,
        };
    out.deadLetters.push({
      sync: sync.name,
      side: them,
      stage: 'map',
      recordId: record.id,
      payload: record.fields,
      error,
    });
    return;
  }
  const base = Object.fromEntries(Object.entries(values).filter(([k]) => only.has(k)));
  const op = operation(ctx, them, record.id, null, ref, { ...encoded.fields, [ref.field]: ref.value }, base);
  out.operations.push(op);
  out.changes.push({
    side: them,
    action: 'create',
    targetId: null,
    sourceId: record.id,
    key: op.key,
    fields: changedFields(base, null),
  });
  void stats;
}

export function planDelete(
  ctx: RunContext,
  side: Side,
  pair: Counterpart,
  base: CanonicalValues | null,
  mine: CanonicalValues,
  theirs: CanonicalResult | undefined,
  out: Builder,
): void {
  const { sync } = ctx;
  const { record, link } = pair;
  const counterpart = pair.other;
  if (link === undefined || counterpart === undefined) return;
  if (record.deleted && counterpart.deleted) return;
  const [crmId, erpId] = pairIds(side, record.id, counterpart.id);
  // Each tombstone is handled once: the link remembers it (side and time). Read again (HubSpot's
  // archived list, the lookback window), it is an echo, and never archives again a record a person
  // restored since, nor reopens a conflict a person resolved.
  const deletedSide = record.deleted ? side : other(side);
  const tombstone = record.deleted ? record : counterpart;
  if (markersOf(link).deletesHandled[deletedSide] === tombstone.modifiedAt) return;
  const handled: LinkUpdate = {
    sync: sync.name,
    crmId,
    erpId,
    base: {},
    markers: { deleteHandled: { side: deletedSide, at: tombstone.modifiedAt } },
  };
  // The surviving side's values, compared with the base: an edit there makes the delete a conflict.
  const survivor = record.deleted ? (theirs !== undefined && theirs.ok ? theirs.values : null) : mine;
  const edited =
    survivor !== null &&
    base !== null &&
    Object.entries(survivor).some(([k, v]) => k in base && JSON.stringify(base[k]) !== JSON.stringify(v));
  // A locked ERP record (mapping `locked`) is not archived for a deleted CRM record without a person.
  const locked = deletedSide === 'crm' && sync.mapping.policies.isLocked(record.deleted ? counterpart : record);
  if (edited || locked || sync.config.deletes === 'report') {
    out.links.push(handled);
    // Under `deletes: report` an untouched survivor is reported too: said as `unchanged`, not `edited`.
    out.conflicts.push(
      deleteConflict(sync.name, crmId, erpId, deletedSide, locked ? 'locked' : edited ? 'edited' : 'unchanged'),
    );
    return;
  }
  if (!record.deleted) return; // read from the live side: handled when its own side reads the tombstone
  // Not remembered as handled: switched to `archive` later, the tombstone is still to be applied
  // (by a repair, or the next read of it), not an echo of something done.
  if (sync.config.deletes === 'ignore') return;
  out.links.push(handled);
  const target = other(side);
  const key = idempotencyKey(sync.name, target, record.id, `archive:${record.modifiedAt}`);
  out.operations.push({
    sync: sync.name,
    targetSide: target,
    object: objectOf(sync, target),
    action: 'archive',
    key,
    sourceId: record.id,
    targetId: counterpart.id,
    ref: null,
    payload: {},
    payloadHash: 'archive',
    // Remembered in the link: this archive was ours, so restoring the record undoes it (planRestore).
    markers: { archivedByUs: target },
  });
  out.changes.push({ side: target, action: 'archive', targetId: counterpart.id, sourceId: record.id, key, fields: [] });
}

/** A whole-record conflict: one side deleted, the other `edited`, `restored`, `unchanged` or `locked` (resolved with --take). */
function deleteConflict(
  sync: string,
  crmId: string,
  erpId: string,
  deleted: Side,
  survivor: 'edited' | 'restored' | 'unchanged' | 'locked',
): NewConflict {
  return {
    sync,
    crmId,
    erpId,
    field: '(record)',
    kind: 'delete',
    crmValue: deleted === 'crm' ? 'deleted' : survivor,
    erpValue: deleted === 'erp' ? 'deleted' : survivor,
    baseValue: null,
  };
}

/**
 * A record restored after Tandem archived its counterpart (because the record had been archived):
 * the counterpart is restored too, where its vendor can (`activeField`). Where it cannot (HubSpot
 * has no API to restore from its recycle bin) a delete conflict asks a person: restore it by hand,
 * or take the archive back (`conflicts resolve --take`).
 */
export function planRestore(
  ctx: RunContext,
  side: Side,
  record: SourceRecord,
  counterpart: SourceRecord,
  out: Builder,
): void {
  const { sync } = ctx;
  const target = other(side);
  const [crmId, erpId] = pairIds(side, record.id, counterpart.id);
  const field = (target === 'crm' ? sync.crm : sync.erp).capabilities.activeField;
  if (field === null) {
    out.conflicts.push(deleteConflict(sync.name, crmId, erpId, target, 'restored'));
    return;
  }
  const key = idempotencyKey(sync.name, target, record.id, `restore:${record.modifiedAt}`);
  out.operations.push({
    sync: sync.name,
    targetSide: target,
    object: objectOf(sync, target),
    action: 'upsert',
    key,
    sourceId: record.id,
    targetId: counterpart.id,
    ref: null,
    payload: { [field]: true },
    payloadHash: 'restore',
    markers: { archivedByUs: null },
  });
  out.changes.push({
    side: target,
    action: 'restore',
    targetId: counterpart.id,
    sourceId: record.id,
    key,
    fields: [{ field, from: false, to: true }],
  });
}

export function operation(
  ctx: RunContext,
  target: Side,
  sourceId: string,
  targetId: string | null,
  ref: { field: string; value: string } | undefined,
  payload: Record<string, unknown>,
  base: Record<string, unknown>,
  planned?: string,
): NewOperation {
  const hash = payloadHash(hashedPayload(payload, planned));
  return {
    sync: ctx.sync.name,
    targetSide: target,
    object: objectOf(ctx.sync, target),
    action: 'upsert',
    key: idempotencyKey(ctx.sync.name, target, sourceId, hash),
    sourceId,
    targetId,
    ref: ref ?? null,
    payload,
    payloadHash: hash,
    base,
    ...(planned === undefined ? {} : { planned }),
  };
}
