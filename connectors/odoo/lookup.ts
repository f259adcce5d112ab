/**
 * Finds records by the value of one field (an external reference, a match key), archived ones
 * included: `search_read` with `(field, 'in', values)` and `active_test: false`, in chunks.
 * Odoo's `in` compares exactly (case-sensitive for text).
 */
import type { RecordLookup, SourceRecord } from '../types.js';
import { toSourceRecord, TRACKING_FIELDS } from './records.js';
import type { OdooRpc } from './rpc.js';
import { changeRowsSchema } from './schemas.js';

/** Values per `search_read`: keeps the domain, and the request, small. */
export const LOOKUP_CHUNK = 200;

/** `id` and integer fields are compared as numbers; everything else as text. */
function domainValue(field: string, value: string): string | number {
  return field === 'id' || field.endsWith('_id') ? (/^\d+$/.test(value) ? Number(value) : value) : value;
}

export function createLookup(rpc: OdooRpc): RecordLookup {
  return {
    async findBy(object: string, field: string, values: readonly string[]): Promise<SourceRecord[]> {
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
              fields: [...new Set([field, 'display_name', ...TRACKING_FIELDS].filter((f) => f !== 'id'))],
              order: 'id asc',
              context: { active_test: false },
            },
            schema: changeRowsSchema,
          },
          { readOnly: true },
        );
        found.push(...rows.map(toSourceRecord));
      }
      return found;
    },
  };
}
