/**
 * Finds records by the value of one field (an external reference, a match key), archived ones
 * included: `search_read` with `(field, 'in', values)` and `active_test: false`, in chunks. Several
 * fields at once (`findByAny`: a page's references and match key) are OR-ed into one domain.
 * Odoo's `in` compares exactly (case-sensitive for text); a match key that ignores case or white
 * space asks with `=ilike` / `=like` patterns instead (see {@link likePattern}).
 */
import { anyOf, anyOfDomains } from './domains.js';
import { VendorError } from '../../src/errors.js';
import type { LookupOptions, LookupTerm, RecordLookup, SourceRecord } from '../types.js';
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
 * The requests of a lookup: each term split into chunks of {@link LOOKUP_CHUNK} values, and the
 * i-th request carrying the i-th chunk of every term that has one, the terms OR-ed. One term is
 * `findBy`'s query as it always was.
 */
function domains(terms: readonly LookupTerm[]): unknown[][] {
  const chunked = terms.map((t) => {
    const unique = [...new Set(t.values)];
    const chunks: unknown[][] = [];
    for (let at = 0; at < unique.length; at += LOOKUP_CHUNK)
      chunks.push(valuesDomain(t.field, unique.slice(at, at + LOOKUP_CHUNK), t.options ?? {}));
    return chunks;
  });
  const requests = Math.max(0, ...chunked.map((c) => c.length));
  return Array.from({ length: requests }, (_, i) =>
    anyOfDomains(chunked.flatMap((c) => (c[i] === undefined ? [] : [c[i]]))),
  );
}

/**
 * Models are assumed to have `write_date` and `active`; a catalog that lacks them (`res.country`
 * has no `active`) answers Odoo's "Invalid field" ValueError once, and is then read without them.
 */
export function createLookup(rpc: OdooRpc): RecordLookup {
  const untracked = new Set<string>();

  async function read(object: string, terms: readonly LookupTerm[], extra: readonly string[]): Promise<SourceRecord[]> {
    const tracking = !untracked.has(object);
    const fields = [...terms.map((t) => t.field), 'display_name', ...extra, ...(tracking ? TRACKING_FIELDS : [])];
    const kwargs = {
      fields: [...new Set(fields.filter((f) => f !== 'id'))],
      order: 'id asc',
      context: { active_test: false },
    };
    const found = new Map<string, SourceRecord>();
    for (const domain of domains(terms)) {
      const args = [domain];
      const records = tracking
        ? (
            await rpc.execute(
              { model: object, method: 'search_read', args, kwargs, schema: changeRowsSchema },
              { readOnly: true },
            )
          ).map(toSourceRecord)
        : (
            await rpc.execute(
              { model: object, method: 'search_read', args, kwargs, schema: recordsSchema },
              { readOnly: true },
            )
          ).map(toCatalogRecord);
      for (const record of records) if (!found.has(record.id)) found.set(record.id, record);
    }
    return [...found.values()];
  }

  async function readOnce(object: string, terms: readonly LookupTerm[], extra: readonly string[]) {
    try {
      return await read(object, terms, extra);
    } catch (error) {
      if (
        untracked.has(object) ||
        !(error instanceof VendorError) ||
        !/Invalid field '(write_date|active)'/.test(error.message)
      )
        throw error;
      untracked.add(object);
      return read(object, terms, extra);
    }
  }

  return {
    findBy: (object, field, values, extra = [], options = {}) =>
      object === SALE_ORDER
        ? findOrders(rpc, field, values, extra, options)
        : readOnce(object, [{ field, values, options }], extra),
    async findByAny(object, terms, extra = []) {
      if (object !== SALE_ORDER) return readOnce(object, terms, extra);
      // Orders carry their lines and invoice totals: one findOrders per term, each order once.
      const found = new Map<string, SourceRecord>();
      for (const term of terms)
        for (const record of await findOrders(rpc, term.field, term.values, extra, term.options ?? {}))
          if (!found.has(record.id)) found.set(record.id, record);
      return [...found.values()];
    },
  };
}
