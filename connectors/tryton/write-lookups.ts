/**
 * What a Tryton write batch reads before it plans: the countries its party addresses name, the sale
 * units of the products its sale lines name, and the records that already hold the references of
 * upserts without a target (create-if-absent).
 */
import type { UpsertOperation } from '../types.js';
import type { TrytonRpc } from './rpc.js';
import { countriesSchema, rowsSchema } from './schemas.js';
import { linedProducts } from './sale-write.js';

/** Country id by upper-case ISO code, for the `country_code` values of `ops`. */
export async function readCountries(rpc: TrytonRpc, ops: readonly UpsertOperation[]): Promise<Map<string, number>> {
  const codes = [
    ...new Set(
      ops.map((op) => op.fields['country_code']).filter((c): c is string => typeof c === 'string' && c !== ''),
    ),
  ].map((c) => c.toUpperCase());
  if (codes.length === 0) return new Map();
  const rows = await rpc.model(
    'country.country',
    'search_read',
    [[['code', 'in', codes]], 0, null, null, ['code']],
    countriesSchema,
    {
      readOnly: true,
    },
  );
  return new Map(rows.filter((r) => r.code !== null).map((r) => [r.code as string, r.id]));
}

/**
 * Record id by reference field and value, for the upserts without a target id: one `search_read`
 * per field, deactivated records included, the oldest record first.
 */
export async function findReferences(
  rpc: TrytonRpc,
  object: string,
  ops: readonly UpsertOperation[],
): Promise<Map<string, Map<string, number>>> {
  const refs = new Map<string, Map<string, number>>();
  const untargeted = ops.filter((op) => op.targetId === null);
  for (const field of new Set(untargeted.map((op) => op.ref.field))) {
    const values = [...new Set(untargeted.filter((op) => op.ref.field === field).map((op) => op.ref.value))];
    const rows = await rpc.model(
      object,
      'search_read',
      [[[field, 'in', values]], 0, null, [['id', 'ASC']], [field]],
      rowsSchema,
      {
        readOnly: true,
        context: { active_test: false },
      },
    );
    const found = new Map<string, number>();
    for (const row of rows) if (typeof row[field] === 'string' && !found.has(row[field])) found.set(row[field], row.id);
    refs.set(field, found);
  }
  return refs;
}

/** Sale unit (`product.product` `sale_uom`) by product id, for the products the ops' `lines` name; one read. */
export async function readSaleUnits(rpc: TrytonRpc, ops: readonly UpsertOperation[]): Promise<Map<number, number>> {
  const ids = linedProducts(ops.map((op) => op.fields));
  if (ids.length === 0) return new Map();
  const rows = await rpc.model(
    'product.product',
    'search_read',
    [[['id', 'in', ids]], 0, null, null, ['sale_uom']],
    rowsSchema,
    { readOnly: true },
  );
  return new Map(rows.flatMap((r) => (typeof r['sale_uom'] === 'number' ? [[r.id, r['sale_uom']] as const] : [])));
}
