/** Odoo rows as Tandem's SourceRecords. */
import type { SourceRecord } from '../types.js';
import type { ChangeRow } from './schemas.js';
import { odooToIso } from './time.js';

/** The fields the connector always reads: the modification time and the archive flag. */
export const TRACKING_FIELDS = ['write_date', 'active'] as const;

/**
 * One row as a record: `modifiedAt` from `write_date`, `deleted` from `active = false` (Odoo
 * archives rather than deletes). `fields` keeps Odoo's own values: `false` for an empty value,
 * `[id, display_name]` for a many2one.
 */
export function toSourceRecord(row: ChangeRow): SourceRecord {
  const { id, ...fields } = row;
  return Object.freeze({
    id: String(id),
    modifiedAt: odooToIso(row.write_date),
    deleted: row.active === false,
    fields: Object.freeze(fields),
  });
}

/** A row of a model without change tracking (a catalog such as `res.country`): never deleted, no time. */
export function toCatalogRecord(row: { readonly id: number } & Record<string, unknown>): SourceRecord {
  const { id, ...fields } = row;
  return Object.freeze({
    id: String(id),
    modifiedAt: new Date(0).toISOString(),
    deleted: false,
    fields: Object.freeze(fields),
  });
}
