/**
 * Turns the operations of a Tryton write batch into jobs, from what was read before (references,
 * versions, current party state, countries). Pure: an operation that cannot be written gets its
 * failed result here (NOT_FOUND, STALE_WRITE, VALIDATION_ERROR) and no job.
 */
import { STALE_WRITE, type UpsertOperation, type WriteOperation, type WriteResult } from '../types.js';
import type { TrytonField } from './catalog.js';
import { isNewer, type RecordVersion } from './concurrency.js';
import type { TrytonConfig } from './config.js';
import type { CurrentRecord } from './current.js';
import { PARTY, partyValues } from './party.js';
import { SALE } from './sale.js';
import { ORDER_LOCKED, SaleLockedError, saleValues } from './sale-write.js';
import { partyFill, type PartyDefaults } from './sale-party.js';
import { toTrytonValue } from './values.js';
import { failed, type Job, type Results, type Vals } from './write-jobs.js';

/** What the planning of one batch knows. */
export interface PlanContext {
  readonly object: string;
  /** The connector's name, for messages. */
  readonly connector: string;
  readonly config: TrytonConfig;
  /** The object's fields (`fields_get`), for typed values. */
  readonly known: Readonly<Record<string, TrytonField>>;
  /** Country id by ISO code. */
  readonly countries: ReadonlyMap<string, number>;
  /** The record an upsert writes: its target id, else the record holding its reference, else null (create). */
  readonly target: (op: UpsertOperation) => number | null;
  readonly versions: ReadonlyMap<number, RecordVersion>;
  readonly state: ReadonlyMap<number, CurrentRecord>;
  /** A product's sale unit by product id, for new sale lines. */
  readonly units: ReadonlyMap<number, number>;
  /** What a sale of the party gets when a write sets it (sale-party.ts). */
  readonly parties: ReadonlyMap<number, PartyDefaults>;
}

/** A second upsert of a reference that an earlier operation of the batch creates: it answers with the leader's result. */
export interface Follower {
  readonly index: number;
  readonly key: string;
  readonly leader: number;
}

/** The jobs of one batch. */
export interface WritePlan {
  readonly creates: Job[];
  readonly updates: Job[];
  /** Sales whose `cancel` button runs after the updates. */
  readonly cancels: Job[];
  readonly followers: Follower[];
}

/** An upsert of an existing record that cannot go out: the record is gone, or changed since it was planned. */
function refusal(ctx: PlanContext, op: UpsertOperation, id: number | null): WriteResult | undefined {
  if (id !== null && ctx.state.get(id) === undefined)
    return failed(op.key, 'NOT_FOUND', `${ctx.object} ${op.targetId ?? id} does not exist in Tryton`);
  const version = id === null ? undefined : ctx.versions.get(id);
  if (op.planned !== undefined && version !== undefined && isNewer(version.version, op.planned.version)) {
    const message = `${ctx.object} ${id} changed after this write was planned (version ${op.planned.version}, now ${version.version}): nothing written`;
    return failed(op.key, STALE_WRITE, `${ctx.connector}: ${message}`, true);
  }
  return undefined;
}

/**
 * The values of the upsert's create (with its reference) or write, typed; a party's virtual fields
 * and a sale's lines as actions, a sale's addresses from its party; whether its `cancel` button follows.
 */
function valuesOf(ctx: PlanContext, op: UpsertOperation, id: number | null): { vals: Vals; cancel: boolean } {
  const typed = (fields: Readonly<Record<string, unknown>>): Vals =>
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, toTrytonValue(v, (ctx.known[k] as TrytonField | undefined)?.type)]),
    );
  const fields = id === null ? { ...op.fields, [op.ref.field]: op.ref.value } : op.fields;
  const now = id === null ? undefined : ctx.state.get(id);
  if (ctx.object === SALE) {
    const filled = { ...fields, ...partyFill(fields, ctx.parties, now?.sale) };
    const sale = saleValues(filled, now?.sale, id, ctx.units);
    return { vals: typed(sale.vals), cancel: sale.cancel };
  }
  if (ctx.object !== PARTY) return { vals: typed(fields), cancel: false };
  const vals = partyValues(fields, now, {
    taxIdentifierType: ctx.config.taxIdentifierType,
    countryId: (c) => ctx.countries.get(c),
  });
  return { vals: typed(vals), cancel: false };
}

/** The values, or the failed result of an upsert whose values Tryton must not get. */
function valuesOrFailure(
  ctx: PlanContext,
  op: UpsertOperation,
  id: number | null,
): { vals: Vals; cancel: boolean } | WriteResult {
  try {
    return valuesOf(ctx, op, id);
  } catch (error) {
    if (error instanceof SaleLockedError) return failed(op.key, ORDER_LOCKED, `${ctx.connector}: ${error.message}`);
    if (!(error instanceof RangeError)) throw error;
    return failed(op.key, 'VALIDATION_ERROR', `${ctx.connector}: ${error.message}`);
  }
}

/**
 * Plans the upserts: a create per new reference (later upserts of it follow the first), a write per
 * existing record with changes (with the `_timestamp`s read for it), a success without a call when
 * nothing changes.
 */
export function planUpserts(
  ctx: PlanContext,
  upserts: ReadonlyArray<{ op: UpsertOperation; index: number }>,
  results: Results,
): WritePlan {
  const plan: WritePlan = { creates: [], updates: [], cancels: [], followers: [] };
  const leaders = new Map<string, number>();
  for (const { op, index } of upserts) {
    const id = ctx.target(op);
    const refused = refusal(ctx, op, id);
    if (refused !== undefined) {
      results[index] = refused;
      continue;
    }
    const refKey = `${op.ref.field}\u0000${op.ref.value}`;
    const leader = id === null ? leaders.get(refKey) : undefined;
    if (leader !== undefined) {
      plan.followers.push({ index, key: op.key, leader });
      continue;
    }
    const planned = valuesOrFailure(ctx, op, id);
    if ('ok' in planned) {
      results[index] = planned;
      continue;
    }
    const { vals, cancel } = planned;
    if (id === null) {
      leaders.set(refKey, index);
      plan.creates.push({ index, key: op.key, id: null, vals, timestamps: {} });
      continue;
    }
    if (Object.keys(vals).length > 0)
      plan.updates.push({ index, key: op.key, id, vals, timestamps: ctx.versions.get(id)?.timestamps ?? {} });
    if (cancel) plan.cancels.push({ index, key: op.key, id, vals: {}, timestamps: {} });
    if (Object.keys(vals).length === 0 && !cancel)
      results[index] = { key: op.key, ok: true, id: String(id), created: false };
  }
  return plan;
}

/** Archives as writes of `active = false`; a target that is not a Tryton integer id fails its operation. */
export function planArchives(operations: readonly WriteOperation[], results: Results): Job[] {
  const jobs: Job[] = [];
  operations.forEach((op, index) => {
    if (op.action !== 'archive') return;
    const id = Number(op.targetId);
    if (!Number.isInteger(id))
      results[index] = failed(op.key, 'NOT_FOUND', `tryton ids are integers, not ${JSON.stringify(op.targetId)}`);
    else jobs.push({ index, key: op.key, id, vals: { active: false }, timestamps: {} });
  });
  return jobs;
}
