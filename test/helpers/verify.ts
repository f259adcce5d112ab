import type { App } from '../../src/app.js';
import type { SourceRecord } from '../../connectors/types.js';
import { PrefetchingResolver } from '../../src/pipeline/resolver.js';
import { sameValue, type Value } from '../../src/mapping/values.js';

export interface Verification {
  /** Records (of both sides) that must have a counterpart: in the filter, not ambiguous. */
  readonly expected: number;
  /** Records with no linked counterpart. */
  readonly missing: string[];
  /** ERP records sharing one reference value. */
  readonly duplicated: string[];
  /** Contacts whose email is on more than one ERP partner. */
  readonly duplicatedByEmail: string[];
  readonly mismatched: { id: string; field: string; crm: unknown; erp: unknown }[];
  readonly ambiguous: string[];
}

async function readAll(app: App, sync: string, side: 'crm' | 'erp'): Promise<SourceRecord[]> {
  const def = app.syncs[sync];
  if (def === undefined) throw new Error(`no ${sync} sync`);
  const object = side === 'crm' ? def.mapping.crmObject : def.mapping.erpObject;
  const fields = side === 'crm' ? def.mapping.crmFields : def.mapping.erpFields;
  const out: SourceRecord[] = [];
  for await (const page of def[side].reader.readChanges(object, { cursor: null, fields })) out.push(...page.records);
  return out;
}

/**
 * Reads both sides through the connectors and checks the sync's promise: every live record inside
 * its side's filter is linked to exactly one live counterpart whose canonical values are equal.
 */
export async function verifySync(
  app: App,
  syncName: string,
  options: { bothWays?: boolean } = {},
): Promise<Verification> {
  const sync = app.syncs[syncName];
  if (sync === undefined) throw new Error(`no ${syncName} sync`);
  const ambiguous = new Set((await app.store.ambiguousMatches(syncName)).map((a) => a.recordId));
  // Records waiting for a referenced record (a contact whose company is ambiguous) are not missing.
  const waiting = await app.store.db
    .selectFrom('waiting')
    .select(['side', 'record_id'])
    .where('sync', '=', syncName)
    .execute();
  for (const w of waiting) ambiguous.add(w.record_id);
  const crm = (await readAll(app, syncName, 'crm')).filter((r) => !r.deleted);
  const erp = await readAll(app, syncName, 'erp');
  const erpById = new Map(erp.map((r) => [r.id, r]));
  const crmById = new Map(crm.map((r) => [r.id, r]));
  const links = await app.store.db
    .selectFrom('links')
    .select(['crm_id', 'erp_id'])
    .where('sync', '=', syncName)
    .execute();
  const erpOf = new Map(links.map((l) => [l.crm_id, l.erp_id]));
  const crmOf = new Map(links.map((l) => [l.erp_id, l.crm_id]));
  const resolver = new PrefetchingResolver(app.store, { crm: sync.crm, erp: sync.erp });
  const canonical = (side: 'crm' | 'erp', r: SourceRecord) => sync.mapping.canonical(side, r, resolver);
  await resolver.prefetch(() => [...crm.map((r) => canonical('crm', r)), ...erp.map((r) => canonical('erp', r))]);

  const result = {
    expected: 0,
    missing: [] as string[],
    duplicated: [] as string[],
    duplicatedByEmail: [] as string[],
    mismatched: [] as Verification['mismatched'],
    ambiguous: [...ambiguous],
  };
  const byRef = new Map<string, number>();
  const byEmail = new Map<string, number>();
  for (const r of erp) {
    if (r.deleted) continue;
    const ref = r.fields[sync.mapping.reference.field];
    if (typeof ref === 'string' && ref !== '') byRef.set(ref, (byRef.get(ref) ?? 0) + 1);
    const email = r.fields['email'];
    if (typeof email === 'string' && email !== '')
      byEmail.set(email.toLowerCase(), (byEmail.get(email.toLowerCase()) ?? 0) + 1);
  }
  for (const [ref, count] of byRef) if (count > 1) result.duplicated.push(ref);

  for (const record of crm) {
    const values = canonical('crm', record);
    if (!values.ok || ambiguous.has(record.id)) continue;
    result.expected++;
    const counterpart = erpById.get(erpOf.get(record.id) ?? '');
    if (counterpart === undefined || counterpart.deleted) {
      result.missing.push(`crm:${record.id}`);
      continue;
    }
    const email = record.fields['email'];
    if (typeof email === 'string' && (byEmail.get(email.toLowerCase()) ?? 0) > 1)
      result.duplicatedByEmail.push(record.id);
    const theirs = canonical('erp', counterpart);
    if (!theirs.ok) continue;
    for (const field of sync.mapping.fields) {
      const a = values.values[field.name];
      const b = theirs.values[field.name];
      if (a === undefined || b === undefined) continue;
      if (!sameValue(a as Value, b as Value))
        result.mismatched.push({ id: record.id, field: field.name, crm: a, erp: b });
    }
  }
  if (options.bothWays === true) {
    for (const record of erp) {
      if (record.deleted || !canonical('erp', record).ok) continue;
      const candidates = await app.store.ambiguousMatches(syncName);
      if (candidates.some((a) => a.candidates.includes(record.id))) continue;
      result.expected++;
      if (!crmById.has(crmOf.get(record.id) ?? '')) result.missing.push(`erp:${record.id}`);
    }
  }
  return result;
}

/** The contacts sync, both ways. */
export function verifyContacts(app: App): Promise<Verification> {
  return verifySync(app, 'contacts', { bothWays: true });
}
