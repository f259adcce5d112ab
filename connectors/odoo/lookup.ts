/**
 * Finds records by the value of one field (an external reference, a match key), archived ones
 * included: `search_read` with `(field, 'in', values)` and `active_test: false`, in chunks.
 * Odoo's `in` compares exactly (case-sensitive for text).
 */
import type { RecordLookup, SourceRecord } from '../types.js';
import { toCatalogRecord, toSourceRecord, TRACKING_FIELDS } from './records.js';
import type { OdooRpc } from './rpc.js';
import { changeRowsSchema, recordsSchema, type ChangeRow } from './schemas.js';

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
export function createLookup(
  rpc: OdooRpc,
  tracked: (object: string) => Promise<boolean> = async () => true,
): RecordLookup {
  return {
    async findBy(
      object: string,
      field: string,
      values: readonly string[],
      extra: readonly string[] = [],
    ): Promise<SourceRecord[]> {
      const tracking = await tracked(object);
      const unique = [...new Set(values)];
      const found: SourceRecord[] = [];
      for (let at = 0; at < unique.length; at += LOOKUP_CHUNK) {
        const chunk = unique.slice(at, at + LOOKUP_CHUNK).map((value) => domainValue(field, value));
        const rows = await rpc.execute(
          {
            model: object,
            method: 'search_read',
            args: [[[field, 'in', chunk]]],
            kwargs: {
              fields: [
                ...new Set(
                  [field, 'display_name', ...extra, ...(tracking ? TRACKING_FIELDS : [])].filter((f) => f !== 'id'),
                ),
              ],
              order: 'id asc',
              context: { active_test: false },
            },
            schema: tracking ? changeRowsSchema : recordsSchema,
          },
          { readOnly: true },
        );
        found.push(...rows.map((row) => (tracking ? toSourceRecord(row as ChangeRow) : toCatalogRecord(row))));
      }
      return found;
    },
  };
}
