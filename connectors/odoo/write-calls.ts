/**
 * The Odoo RPC calls of a write batch. Odoo runs each call in one transaction: one bad record fails a
 * whole `create` list or a multi-id `write`. When that happens for a user or validation error, the
 * call is replayed one record at a time so that only the bad record fails.
 */
import { VendorResponseError } from '../../src/errors.js';
import type { OdooRpc } from './rpc.js';
import { createSchema, idsSchema, recordsSchema, writeSchema } from './schemas.js';
import { attempt, fail, splittable, succeed, type Results } from './write-outcomes.js';
import type { Archive, Pending, Update } from './write-plan.js';

/** The calls one writer makes, bound to its RPC client and connector name. */
export interface WriteCalls {
  /** The id of each of `values` that a record of `model` holds in `field` (archived ones included; oldest wins). */
  findExisting(model: string, field: string, values: readonly string[]): Promise<Map<string, number>>;
  /** Creates the records in one call (replayed one by one on a user error); resolves the new id of each that succeeded. */
  createAll(model: string, results: Results, creates: readonly Pending[]): Promise<Map<Pending, number>>;
  /** Writes each update on its own, in the given order, recording each result. */
  updateAll(model: string, results: Results, updates: readonly Update[]): Promise<void>;
  /** Archives the records in one call (replayed one by one on a user error), recording each result. */
  archiveAll(model: string, results: Results, archives: readonly Archive[]): Promise<void>;
}

/** The RPC client and the connector name (for errors) every call of a batch uses. */
interface CallContext {
  readonly rpc: OdooRpc;
  readonly name: string;
}

const write = (
  { rpc }: CallContext,
  model: string,
  ids: readonly number[],
  vals: Readonly<Record<string, unknown>>,
): Promise<true> =>
  rpc.execute({ model, method: 'write', args: [ids, vals], schema: writeSchema }, { readOnly: false });

const shapeError = ({ name }: CallContext, model: string, detail: string): VendorResponseError =>
  new VendorResponseError(`${name}: odoo ${model}.create answered ${detail}`, {
    connector: name,
    endpoint: `${model}.create`,
    issues: detail,
  });

const createVals = ({ op }: Pending): Record<string, unknown> => ({ ...op.fields, [op.ref.field]: op.ref.value });
const slotOf = ({ index, op }: Pending | Update): { index: number; key: string } => ({ index, key: op.key });

async function findExisting(
  { rpc }: CallContext,
  model: string,
  field: string,
  values: readonly string[],
): Promise<Map<string, number>> {
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
  ctx: CallContext,
  model: string,
  results: Results,
  creates: readonly Pending[],
): Promise<Map<Pending, number>> {
  const created = new Map<Pending, number>();
  if (creates.length === 0) return created;
  try {
    const ids = await ctx.rpc.execute(
      { model, method: 'create', args: [creates.map(createVals)], schema: createSchema },
      { readOnly: false },
    );
    if (ids.length !== creates.length) throw shapeError(ctx, model, `${ids.length} ids for ${creates.length} records`);
    creates.forEach((pending, i) => created.set(pending, ids[i] as number));
    return created;
  } catch (error) {
    if (!(creates.length > 1 && splittable(error))) {
      fail(results, creates.map(slotOf), error);
      return created;
    }
  }
  for (const pending of creates) {
    await attempt(results, [slotOf(pending)], async () => {
      const [id] = await ctx.rpc.execute(
        { model, method: 'create', args: [[createVals(pending)]], schema: idsSchema },
        { readOnly: false },
      );
      if (id === undefined) throw shapeError(ctx, model, 'no id');
      created.set(pending, id);
    });
  }
  return created;
}

async function updateAll(ctx: CallContext, model: string, results: Results, updates: readonly Update[]): Promise<void> {
  for (const update of updates) {
    if (await attempt(results, [slotOf(update)], () => write(ctx, model, [update.id], update.op.fields))) {
      succeed(results, slotOf(update), update.id, update.created);
    }
  }
}

async function archiveAll(
  ctx: CallContext,
  model: string,
  results: Results,
  archives: readonly Archive[],
): Promise<void> {
  if (archives.length === 0) return;
  const ids = [...new Set(archives.map((a) => a.id))];
  try {
    await write(ctx, model, ids, { active: false });
    for (const a of archives) succeed(results, a, a.id, false);
    return;
  } catch (error) {
    if (!(ids.length > 1 && splittable(error))) {
      fail(results, archives, error);
      return;
    }
  }
  for (const a of archives) {
    if (await attempt(results, [a], () => write(ctx, model, [a.id], { active: false })))
      succeed(results, a, a.id, false);
  }
}

/** Binds the batch's calls to `rpc`; `name` names the connector in errors. */
export function createWriteCalls(rpc: OdooRpc, name: string): WriteCalls {
  const ctx: CallContext = { rpc, name };
  return {
    findExisting: (model, field, values) => findExisting(ctx, model, field, values),
    createAll: (model, results, creates) => createAll(ctx, model, results, creates),
    updateAll: (model, results, updates) => updateAll(ctx, model, results, updates),
    archiveAll: (model, results, archives) => archiveAll(ctx, model, results, archives),
  };
}
