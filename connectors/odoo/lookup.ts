/**
 * Finds records by the value of one field (an external reference, a match key), archived ones
 * included: `search_read` with `(field, 'in', values)` and `active_test: false`, in chunks.
 * Odoo's `in` compares exactly (case-sensitive for text).
 */
import { VendorError } from '../../src/errors.js';
import type { RecordLookup, SourceRecord } from '../types.js';
import { toCatalogRecord, toSourceRecord, TRACKING_FIELDS } from './records.js';
import type { OdooRpc } from './rpc.js';
import { changeRowsSchema, recordsSchema } from './schemas.js';

/** Values per `search_read`: keeps the domain, and the request, small. */
export const LOOKUP_CHUNK = 200;

/** `id` and integer fields are compared as numbers; everything else as text. */
function domainValue(field: string, value: string): string | number {
  return field === 'id' || field.endsWith('_id') ? (/^\d+$/.test(value) ? Number(value) : value) : value;
}

/**
 * `tracked(object)` says whether the model has `write_date` and `active`: catalogs such as
 * `res.country` may lack `active`, and asking for a missing field is a ValueError in Odoo.
 */
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
  ): Promise<SourceRecord[]> {
    const tracking = !untracked.has(object);
    const unique = [...new Set(values)];
    const found: SourceRecord[] = [];
    for (let at = 0; at < unique.length; at += LOOKUP_CHUNK) {
      const chunk = unique.slice(at, at + LOOKUP_CHUNK).map((value) => domainValue(field, value));
      const fields = [field, 'display_name', ...extra, ...(tracking ? TRACKING_FIELDS : [])].filter((f) => f !== 'id');
      const kwargs = { fields: [...new Set(fields)], order: 'id asc', context: { active_test: false } };
      const args = [[[field, 'in', chunk]]];
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
    async findBy(object, field, values, extra = []) {
      try {
        return await read(object, field, values, extra);
      } catch (error) {
        if (
          untracked.has(object) ||
          !(error instanceof VendorError) ||
          !/Invalid field '(write_date|active)'/.test(error.message)
        )
          throw error;
        untracked.add(object);
        return read(object, field, values, extra);
      }
    },
  };
}
