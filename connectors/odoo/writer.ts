/**
 * Writes a batch with Odoo's primitives. Odoo has no upsert by external id over RPC and no
 * idempotency header, so an upsert without a target id is create-if-absent: look the reference
 * up first (archived records included), write the records that exist and create the rest in one
 * `create([vals, ...])`. A retry after a crash between "created" and "confirmed" then finds the
 * record instead of creating it twice.
 *
 * Odoo runs each call in one transaction: one bad record fails a whole `create` list or a
 * multi-id `write`. When that happens for a user or validation error, the calls are replayed
 * one record at a time so that only the bad record fails.
 */
import { VendorError, VendorResponseError } from '../../src/errors.js';
import type { RecordWriter, UpsertOperation, WriteOperation, WriteResult } from '../types.js';
import { isAuthFailure, toWriteFailure } from './errors.js';
import type { OdooRpc } from './rpc.js';
import { createSchema, idsSchema, recordsSchema, writeSchema } from './schemas.js';

export const MAX_WRITE_BATCH = 100;

type Results = Array<WriteResult | undefined>;

interface Pending {
  readonly index: number;
  readonly op: UpsertOperation;
}

export function createWriter(rpc: OdooRpc, name: string): RecordWriter {
  const write = (model: string, ids: readonly number[], vals: Readonly<Record<string, unknown>>): Promise<true> =>
    rpc.execute({ model, method: 'write', args: [ids, vals], schema: writeSchema }, { readOnly: false });

  /** Records a vendor failure as the result of the given operations; rethrows auth and programming errors. */
  function fail(results: Results, ops: ReadonlyArray<{ index: number; key: string }>, error: unknown): void {
    const failure = toWriteFailure(error);
    if (failure === undefined || isAuthFailure(error)) throw error;
    for (const { index, key } of ops) results[index] = { key, ok: false, error: failure };
  }

  /** Runs `call`; a vendor failure becomes the result of the given operations. */
  async function attempt(
    results: Results,
    ops: ReadonlyArray<{ index: number; key: string }>,
    call: () => Promise<unknown>,
  ): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      fail(results, ops, error);
      return false;
    }
  }

  const shapeError = (model: string, detail: string): VendorResponseError =>
    new VendorResponseError(`${name}: odoo ${model}.create answered ${detail}`, {
      connector: name,
      endpoint: `${model}.create`,
      issues: detail,
    });

  /** A multi-record call failed for a user/validation reason: worth replaying one record at a time. */
  const splittable = (error: unknown): boolean =>
    error instanceof VendorError && !error.retryable && !isAuthFailure(error);

  async function findExisting(model: string, field: string, values: readonly string[]): Promise<Map<string, number>> {
    const rows = await rpc.execute(
      {
        model,
        method: 'search_read',
        args: [[[field, 'in', values]]],
        kwargs: { fields: [field], order: 'id asc', context: { active_test: false } },
        schema: recordsSchema,
      },
      { readOnly: true },
    );
    const found = new Map<string, number>();
    // Several records with one reference: the oldest is the one Tandem created first.
    for (const row of rows) if (typeof row[field] === 'string' && !found.has(row[field])) found.set(row[field], row.id);
    return found;
  }

  async function createAll(
    model: string,
    results: Results,
    creates: readonly Pending[],
    created: Map<Pending, number>,
  ): Promise<void> {
    if (creates.length === 0) return;
    const vals = creates.map(({ op }) => ({ ...op.fields, [op.ref.field]: op.ref.value }));
    try {
      const ids = await rpc.execute(
        { model, method: 'create', args: [vals], schema: createSchema },
        { readOnly: false },
      );
      if (ids.length !== creates.length) throw shapeError(model, `${ids.length} ids for ${creates.length} records`);
      creates.forEach((pending, i) => created.set(pending, ids[i] as number));
      return;
    } catch (error) {
      if (!(creates.length > 1 && splittable(error))) {
        fail(
          results,
          creates.map(({ index, op }) => ({ index, key: op.key })),
          error,
        );
        return;
      }
    }
    for (const pending of creates) {
      await attempt(results, [{ index: pending.index, key: pending.op.key }], async () => {
        const [id] = await rpc.execute(
          {
            model,
            method: 'create',
            args: [[{ ...pending.op.fields, [pending.op.ref.field]: pending.op.ref.value }]],
            schema: idsSchema,
          },
          { readOnly: false },
        );
        if (id === undefined) throw shapeError(model, 'no id');
        created.set(pending, id);
      });
    }
  }

  async function archiveAll(
    model: string,
    results: Results,
    archives: ReadonlyArray<{ index: number; key: string; id: number }>,
  ): Promise<void> {
    if (archives.length === 0) return;
    const ids = [...new Set(archives.map((a) => a.id))];
    try {
      await write(model, ids, { active: false });
      for (const a of archives) results[a.index] = { key: a.key, ok: true, id: String(a.id), created: false };
      return;
    } catch (error) {
      if (!(ids.length > 1 && splittable(error))) {
        fail(results, archives, error);
        return;
      }
    }
    for (const a of archives) {
      if (await attempt(results, [a], () => write(model, [a.id], { active: false }))) {
        results[a.index] = { key: a.key, ok: true, id: String(a.id), created: false };
      }
    }
  }

  return {
    async writeBatch(object: string, operations: readonly WriteOperation[]): Promise<WriteResult[]> {
      const results: Results = operations.map(() => undefined);
      const updates: Array<{ index: number; op: UpsertOperation; id: number; created: boolean }> = [];
      const archives: Array<{ index: number; key: string; id: number }> = [];
      const unresolved = new Map<string, Pending[]>();
      operations.forEach((op, index) => {
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
        } else if (op.action === 'archive') archives.push({ index, key: op.key, id: target as number });
        else if (target !== null) updates.push({ index, op, id: target, created: false });
        else unresolved.set(op.ref.field, [...(unresolved.get(op.ref.field) ?? []), { index, op }]);
      });

      // Create-if-absent: references that already exist become writes; the rest are created once.
      const creates: Pending[] = [];
      const followers: Array<{ pending: Pending; leader: Pending }> = [];
      for (const [field, pendings] of unresolved) {
        let existing = new Map<string, number>();
        const values = [...new Set(pendings.map((p) => p.op.ref.value))];
        const ok = await attempt(
          results,
          pendings.map(({ index, op }) => ({ index, key: op.key })),
          async () => {
            existing = await findExisting(object, field, values);
          },
        );
        if (!ok) continue;
        const leaders = new Map<string, Pending>();
        for (const pending of pendings) {
          const id = existing.get(pending.op.ref.value);
          const leader = leaders.get(pending.op.ref.value);
          if (id !== undefined) updates.push({ index: pending.index, op: pending.op, id, created: false });
          else if (leader !== undefined) followers.push({ pending, leader });
          else {
            leaders.set(pending.op.ref.value, pending);
            creates.push(pending);
          }
        }
      }
      const created = new Map<Pending, number>();
      await createAll(object, results, creates, created);
      for (const [pending, id] of created)
        results[pending.index] = { key: pending.op.key, ok: true, id: String(id), created: true };
      // A second upsert of a reference created in this batch writes to the new record, in batch order.
      for (const { pending, leader } of followers) {
        const id = created.get(leader);
        if (id !== undefined) updates.push({ index: pending.index, op: pending.op, id, created: false });
        else
          results[pending.index] =
            results[leader.index] === undefined
              ? undefined
              : { ...(results[leader.index] as WriteResult), key: pending.op.key };
      }
      updates.sort((a, b) => a.index - b.index);
      for (const update of updates) {
        if (
          await attempt(results, [{ index: update.index, key: update.op.key }], () =>
            write(object, [update.id], update.op.fields),
          )
        ) {
          results[update.index] = { key: update.op.key, ok: true, id: String(update.id), created: update.created };
        }
      }
      await archiveAll(object, results, archives);
      return results.map(
        (result, i): WriteResult =>
          result ?? {
            key: operations[i]?.key ?? '',
            ok: false,
            error: { code: 'NO_RESULT', message: 'no outcome was recorded for this operation', retryable: true },
          },
      );
    },
  };
}
