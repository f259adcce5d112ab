/**
 * Writes a batch with Odoo's primitives. Odoo has no upsert by external id over RPC and no
 * idempotency header, so an upsert without a target id is create-if-absent: look the reference
 * up first (archived records included), write the records that exist and create the rest in one
 * `create([vals, ...])`. A retry after a crash between "created" and "confirmed" then finds the
 * record instead of creating it twice.
 *
 * Odoo runs each call in one transaction: one bad record fails a whole `create` list or a
 * multi-id `write`. When that happens for a user or validation error, the calls are replayed
 * one record at a time so that only the bad record fails (write-calls.ts).
 */
import type { RecordWriter, WriteOperation, WriteResult } from '../types.js';
import type { OdooRpc } from './rpc.js';
import { SALE_ORDER } from './sale-orders.js';
import { prepareOrders, updateOrders } from './sale-order-writes.js';
import { createWriteCalls, type WriteCalls } from './write-calls.js';
import { attempt, finish, succeed, type Results } from './write-outcomes.js';
import { matchExisting, planBatch, type Follower, type Pending, type Update } from './write-plan.js';

export const MAX_WRITE_BATCH = 100;

/** What the reference lookups left to do: records to create, and later upserts of those same references. */
interface Resolved {
  readonly creates: Pending[];
  readonly followers: Follower[];
}

/**
 * Looks up the references of upserts without a target id, one call per reference field; existing
 * ones join `updates`. A failed lookup fails the upserts of that field.
 */
async function resolveReferences(
  calls: WriteCalls,
  object: string,
  unresolved: ReadonlyMap<string, Pending[]>,
  results: Results,
  updates: Update[],
): Promise<Resolved> {
  const resolved: Resolved = { creates: [], followers: [] };
  for (const [field, pendings] of unresolved) {
    let existing = new Map<string, number>();
    const values = [...new Set(pendings.map((p) => p.op.ref.value))];
    const slots = pendings.map(({ index, op }) => ({ index, key: op.key }));
    // The engine looked these references up this run and nobody holds them: no second lookup.
    const checked = pendings.every((p) => p.op.refAbsent === true);
    const ok =
      checked ||
      (await attempt(results, slots, async () => {
        existing = await calls.findExisting(object, field, values);
      }));
    if (!ok) continue;
    const match = matchExisting(pendings, existing);
    updates.push(...match.updates);
    resolved.creates.push(...match.creates);
    resolved.followers.push(...match.followers);
  }
  return resolved;
}

/**
 * A second upsert of a reference created in this batch writes to the new record (joins `updates`);
 * if its leader's create failed, it shares the leader's result.
 */
function followLeaders(
  followers: readonly Follower[],
  created: ReadonlyMap<Pending, number>,
  results: Results,
  updates: Update[],
): void {
  for (const { pending, leader } of followers) {
    const id = created.get(leader);
    if (id !== undefined) updates.push({ index: pending.index, op: pending.op, id, created: false });
    else
      results[pending.index] =
        results[leader.index] === undefined
          ? undefined
          : { ...(results[leader.index] as WriteResult), key: pending.op.key };
  }
}

/** The Odoo record writer: one `writeBatch` per batch of at most {@link MAX_WRITE_BATCH} operations. */
export function createWriter(rpc: OdooRpc, name: string): RecordWriter {
  const calls = createWriteCalls(rpc, name);
  return {
    async writeBatch(object: string, operations: readonly WriteOperation[]): Promise<WriteResult[]> {
      const results: Results = operations.map(() => undefined);
      // Orders: lines become x2many commands, a bad payload fails here (sale-order-writes.ts).
      const orders = object === SALE_ORDER ? prepareOrders(operations, results, name) : undefined;
      const { updates, archives, unresolved } = planBatch(orders?.operations ?? operations, results);
      const { creates, followers } = await resolveReferences(calls, object, unresolved, results, updates);
      const created = await calls.createAll(object, results, creates);
      for (const [pending, id] of created) succeed(results, { index: pending.index, key: pending.op.key }, id, true);
      followLeaders(followers, created, results, updates);
      // Writes go out in batch order, so a follower's write lands after its leader's create.
      updates.sort((a, b) => a.index - b.index);
      if (orders === undefined) await calls.updateAll(object, results, updates);
      else await updateOrders(rpc, name, results, updates, orders.intents);
      await calls.archiveAll(object, results, archives);
      return finish(results, operations);
    },
  };
}
