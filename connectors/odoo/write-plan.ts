/**
 * Sorts the operations of one Odoo write batch into what each needs: an archive, a write to a known
 * id, or create-if-absent by reference (Odoo has no upsert by external id over RPC). Pure: no calls.
 */
import type { UpsertOperation, WriteOperation } from '../types.js';
import type { Results, Slot } from './write-outcomes.js';

/** An upsert with no target id yet: its reference decides whether it writes or creates. */
export interface Pending {
  readonly index: number;
  readonly op: UpsertOperation;
}

/** An upsert of a known Odoo record. */
export interface Update {
  readonly index: number;
  readonly op: UpsertOperation;
  readonly id: number;
  readonly created: boolean;
}

/** An archive (`active = false`) of a known Odoo record. */
export interface Archive extends Slot {
  readonly id: number;
}

/** A second upsert of a reference that an earlier operation of the batch creates. */
export interface Follower {
  readonly pending: Pending;
  readonly leader: Pending;
}

/** The batch sorted by what each operation needs. */
export interface BatchPlan {
  readonly updates: Update[];
  readonly archives: Archive[];
  /** Upserts without a target id, grouped by their reference field. */
  readonly unresolved: Map<string, Pending[]>;
}

/**
 * Sorts operations by target; a target id that is not an Odoo integer id fails its operation in
 * `results`. An operation that already has a result (refused before planning) is left out.
 */
export function planBatch(operations: readonly WriteOperation[], results: Results): BatchPlan {
  const plan: BatchPlan = { updates: [], archives: [], unresolved: new Map() };
  operations.forEach((op, index) => {
    if (results[index] !== undefined) return;
    const target = op.targetId === null ? null : Number(op.targetId);
    if (target !== null && !Number.isInteger(target)) {
      results[index] = {
        key: op.key,
        ok: false,
        error: {
          code: 'NOT_FOUND',
          message: `odoo ids are integers, not ${JSON.stringify(op.targetId)}`,
          retryable: false,
        },
      };
    } else if (op.action === 'archive') plan.archives.push({ index, key: op.key, id: target as number });
    else if (target !== null) plan.updates.push({ index, op, id: target, created: false });
    else plan.unresolved.set(op.ref.field, [...(plan.unresolved.get(op.ref.field) ?? []), { index, op }]);
  });
  return plan;
}

/** What the upserts of one reference field become once the existing references are known. */
export interface RefMatch {
  readonly updates: Update[];
  readonly creates: Pending[];
  readonly followers: Follower[];
}

/**
 * Create-if-absent: references that already exist become writes; the first upsert of each other
 * reference creates it, and later upserts of that reference follow it.
 */
export function matchExisting(pendings: readonly Pending[], existing: ReadonlyMap<string, number>): RefMatch {
  const match: RefMatch = { updates: [], creates: [], followers: [] };
  const leaders = new Map<string, Pending>();
  for (const pending of pendings) {
    const id = existing.get(pending.op.ref.value);
    const leader = leaders.get(pending.op.ref.value);
    if (id !== undefined) match.updates.push({ index: pending.index, op: pending.op, id, created: false });
    else if (leader !== undefined) match.followers.push({ pending, leader });
    else {
      leaders.set(pending.op.ref.value, pending);
      match.creates.push(pending);
    }
  }
  return match;
}
