/**
 * The names of the records a report's reference fields point to (a contact's `parent_id` is the
 * ERP id of its company): read from the links of the referenced sync, whose base snapshot holds
 * the company's name. No vendor call; an id with no link, or a link without a name, stays an id.
 */
import type { StateStore } from '../../state/index.js';
import type { MappedField } from '../mapping/types.js';
import { asRecord, recordName } from '../words.js';
import type { ReferenceNames } from './formats/values.js';
import type { DriftRow } from './report-schema.js';

const CHUNK = 500;

/** `mapped`: the sync's fields (`sync.mapping.fields`); those with a `reference` are looked up. */
export async function referenceNames(
  mapped: readonly Pick<MappedField, 'name' | 'reference'>[],
  store: StateStore,
  rows: Iterable<DriftRow>,
): Promise<ReferenceNames> {
  const fields = new Map(mapped.flatMap((f) => (f.reference === undefined ? [] : [[f.name, f.reference] as const])));
  if (fields.size === 0) return new Map();
  const wanted = new Map<string, Set<string>>([...fields.keys()].map((f) => [f, new Set<string>()]));
  for (const row of rows)
    for (const diff of row.fields) {
      const ids = wanted.get(diff.field);
      for (const v of [diff.crm, diff.erp, diff.base])
        if (ids !== undefined && (typeof v === 'string' || typeof v === 'number')) ids.add(String(v));
    }
  const out = new Map<string, Map<string, string>>();
  for (const [field, target] of fields) {
    const ids = [...(wanted.get(field) ?? [])];
    const names = new Map<string, string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const links = await store.linksBySide(target, 'erp', ids.slice(i, i + CHUNK));
      for (const [id, link] of links) {
        const name = recordName(asRecord(JSON.parse(link.base) as unknown));
        if (name !== undefined) names.set(id, name);
      }
    }
    out.set(field, names);
  }
  return out;
}
