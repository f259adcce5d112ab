/**
 * Finds records by the value of one field (an external reference, a match key), archived ones
 * included: `search_read` with `(field, 'in', values)` and `active_test: false`, in chunks.
 * Odoo's `in` compares exactly (case-sensitive for text); a match key that ignores case or white
 * space asks with `=ilike` / `=like` patterns instead (see {@link likePattern}).
 */
import { anyOf } from './domains.js';
import { VendorError } from '../../src/errors.js';
import type { LookupOptions, RecordLookup, SourceRecord } from '../types.js';
import { toCatalogRecord, toSourceRecord, TRACKING_FIELDS } from './records.js';
import type { OdooRpc } from './rpc.js';
import { orderRecords, orderView, SALE_ORDER, searchOrders } from './sale-orders.js';
import { changeRowsSchema, recordsSchema } from './schemas.js';

/** Values per `search_read`: keeps the domain, and the request, small. */
export const LOOKUP_CHUNK = 200;

/** `id` and integer fields are compared as numbers; everything else as text. */
function domainValue(field: string, value: string): string | number {
  return field === 'id' || field.endsWith('_id') ? (/^\d+$/.test(value) ? Number(value) : value) : value;
}

/**
 * The `=ilike` / `=like` pattern that finds `value` as a match key compares it. Odoo passes the
 * pattern to PostgreSQL as it is (odoo/osv/expression.py), where `%` and `_` are wildcards and a
 * backslash escapes them, so the value's own `\`, `%` and `_` are escaped. With `looseSpace`, each
 * run of white space becomes `%`: "Nordwind  Logistik" is found from "Nordwind Logistik" (and a
 * few more, which the engine drops by comparing normalised keys).
 */
export function likePattern(value: string, options: LookupOptions): string {
  const escaped = value.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
  return options.looseSpace === true ? escaped.split(/\s+/).join('%') : escaped;
}

/** The domain that finds any of `values` in `field`: `in`, or one pattern leaf per value, OR-ed. */
export function valuesDomain(field: string, values: readonly string[], options: LookupOptions): unknown[] {
  const loose = options.ignoreCase === true || options.looseSpace === true;
  if (!loose || field === 'id' || field.endsWith('_id'))
    return [[field, 'in', values.map((value) => domainValue(field, value))]];
  const operator = options.ignoreCase === true ? '=ilike' : '=like';
  const leaves = [...new Set(values.map((v) => likePattern(v, options)))].map((p) => [field, operator, p]);
  return anyOf(leaves);
}

/** Orders by one field, with their lines and invoice aggregates when `extra` names them (sale-orders.ts). */
async function findOrders(
  rpc: OdooRpc,
  field: string,
  values: readonly string[],
  extra: readonly string[],
  options: LookupOptions,
): Promise<SourceRecord[]> {
  const view = orderView([field, 'display_name', ...extra]);
  const unique = [...new Set(values)];
  const found: SourceRecord[] = [];
  for (let at = 0; at < unique.length; at += LOOKUP_CHUNK) {
    const domain = valuesDomain(field, unique.slice(at, at + LOOKUP_CHUNK), options);
    const rows = await searchOrders(rpc, view, domain, 'id asc', 0, {});
    found.push(...(await orderRecords(rpc, view, rows, undefined, {})));
  }
  return found;
}

/**
 * Models are assumed to have `write_date` and `active`; a catalog that lacks them (`res.country`
 * has no `active`) answers Odoo's "Invalid field" ValueError once, and is then read without them.
 */
export function createLookup(rpc: OdooRpc): RecordLookup {
  const untracked = new Set<string>();

  async function read(
    object: string,
    field: string,
    values: readonly string[],
    extra: readonly string[],
    options: LookupOptions,
  ): Promise<SourceRecord[]> {
    const tracking = !untracked.has(object);
    const unique = [...new Set(values)];
    const found: SourceRecord[] = [];
    for (let at = 0; at < unique.length; at += LOOKUP_CHUNK) {
      const chunk = unique.slice(at, at + LOOKUP_CHUNK);
      const fields = [field, 'display_name', ...extra, ...(tracking ? TRACKING_FIELDS : [])].filter((f) => f !== 'id');
      const kwargs = { fields: [...new Set(fields)], order: 'id asc', context: { active_test: false } };
      const args = [valuesDomain(field, chunk, options)];
      if (tracking) {
        const rows = await rpc.execute(
          { model: object, method: 'search_read', args, kwargs, schema: changeRowsSchema },
          { readOnly: true },
        );
        found.push(...rows.map(toSourceRecord));
      } else {
        const rows = await rpc.execute(
          { model: object, method: 'search_read', args, kwargs, schema: recordsSchema },
          { readOnly: true },
        );
        found.push(...rows.map(toCatalogRecord));
      }
    }
    return found;
  }

  return {
    async findBy(object, field, values, extra = [], options = {}) {
      if (object === SALE_ORDER) return findOrders(rpc, field, values, extra, options);
      try {
        return await read(object, field, values, extra, options);
      } catch (error) {
        if (
          untracked.has(object) ||
          !(error instanceof VendorError) ||
          !/Invalid field '(write_date|active)'/.test(error.message)
        )
          throw error;
        untracked.add(object);
        return read(object, field, values, extra, options);
      }
    },
  };
}
