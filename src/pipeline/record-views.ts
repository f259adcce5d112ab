/**
 * Records as a person sees them (the console, `tandem matches`): a name, the vendor's link, the
 * modification time and the mapped fields, read now through the sync's connectors.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { Side } from '../mapping/resolver.js';
import type { SyncDefinition } from './context.js';
import { connectorOf, fieldsOf, objectOf } from './sides.js';

export interface RecordView {
  readonly side: Side;
  readonly id: string;
  /** False when the vendor no longer has it (or it could not be read). */
  readonly found: boolean;
  readonly name: string | null;
  readonly url: string | null;
  readonly modifiedAt: string | null;
  readonly archived: boolean;
  readonly fields: Readonly<Record<string, unknown>>;
  /** The mapped (canonical) values, named alike on both sides, so two records compare field by field; null when the mapping refuses the record. */
  readonly values: Readonly<Record<string, unknown>> | null;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** A display name: `name`, else first and last name, else the first match key with a value. */
export function nameOf(sync: SyncDefinition, side: Side, record: SourceRecord): string | null {
  const f = record.fields;
  const named = text(f['name']) ?? text(f['display_name']) ?? text(f['rec_name']);
  if (named !== null) return named;
  const person = [text(f['firstname']), text(f['lastname'])].filter((v) => v !== null).join(' ');
  if (person !== '') return person;
  for (const key of sync.mapping.matchKeys) {
    const value = text(f[side === 'crm' ? key.crm : key.erp]);
    if (value !== null) return value;
  }
  return null;
}

/** The records of `side` with these ids, in the order given; one the vendor lacks is `found: false`. */
export async function readRecordViews(sync: SyncDefinition, side: Side, ids: readonly string[]): Promise<RecordView[]> {
  const connector = connectorOf(sync, side);
  const object = objectOf(sync, side);
  const found =
    ids.length === 0
      ? []
      : await connector.lookup.findBy(object, connector.capabilities.idField, ids, fieldsOf(sync, side));
  const byId = new Map(found.map((r) => [r.id, r]));
  return ids.map((id) => {
    const record = byId.get(id);
    return {
      side,
      id,
      found: record !== undefined,
      name: record === undefined ? null : nameOf(sync, side, record),
      url: connector.recordUrl?.(object, id) ?? null,
      modifiedAt: record?.modifiedAt ?? null,
      archived: record?.deleted ?? false,
      fields: record?.fields ?? {},
      values: record === undefined ? null : canonicalOf(sync, side, record),
    };
  });
}

/** The record's canonical values; references are left as the vendor gave them (no resolver here). */
function canonicalOf(sync: SyncDefinition, side: Side, record: SourceRecord): Record<string, unknown> | null {
  const result = sync.mapping.canonical(side, record);
  return result.ok ? { ...result.values } : null;
}
