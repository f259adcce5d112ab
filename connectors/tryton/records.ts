/** Tryton rows as Tandem's SourceRecords. */
import type { SourceRecord } from '../types.js';
import { mechanismValues } from './mechanisms.js';
import { flattenParty, MECHANISM_FIELDS, PARTY, readFields } from './party.js';
import { flattenSale, SALE, saleModifiedAt, saleReadFields } from './sale.js';
import type { ChangeRow } from './schemas.js';

/** The fields every change read asks for: the two timestamps and, where the model has it, `active`. */
export const TRACKING_FIELDS = ['create_date', 'write_date'] as const;

/**
 * The modification time Tryton itself uses for `_timestamp` (trytond/model/modelsql.py:
 * `Coalesce(write_date, create_date)`): `write_date` stays null until the first update.
 */
export function modifiedAt(row: ChangeRow): string {
  return row.write_date ?? row.create_date;
}

/** The fields a `search_read` of `model` asks for to give the requested (virtual) fields. */
export function expandFields(model: string, requested: readonly string[]): string[] {
  return model === PARTY ? readFields(requested) : model === SALE ? saleReadFields(requested) : [...requested];
}

/**
 * One row as a record: `modifiedAt` from the timestamps, `deleted` from `active = false` (a
 * deactivated party). `fields` holds the requested fields, the party's virtual ones flattened;
 * a party with several active emails (phones) lists them all in `alternates`, for match keys; a
 * sale gives its `lines` and `invoices.*` (sale.ts), and is dated by the later of its own and its
 * invoices' modification times.
 */
export function toSourceRecord(model: string, row: ChangeRow, requested: readonly string[]): SourceRecord {
  let fields: Record<string, unknown>;
  const alternates: Record<string, readonly string[]> = {};
  if (model === PARTY) {
    fields = flattenParty(row, requested);
    for (const type of MECHANISM_FIELDS) {
      const values = requested.includes(type) ? mechanismValues(row, type) : [];
      if (values.length > 1) alternates[type] = Object.freeze(values);
    }
  } else if (model === SALE) fields = flattenSale(row, requested);
  else fields = Object.fromEntries(requested.filter((f) => f in row).map((f) => [f, row[f]]));
  return Object.freeze({
    id: String(row.id),
    modifiedAt: model === SALE ? saleModifiedAt(row) : modifiedAt(row),
    deleted: row.active === false,
    fields: Object.freeze(fields),
    ...(Object.keys(alternates).length > 0 ? { alternates: Object.freeze(alternates) } : {}),
  });
}
