import type { App } from '../../src/app.js';
import type { SourceRecord } from '../../connectors/types.js';

export interface Verification {
  /** CRM contacts that must have a partner (have an email, map cleanly, not ambiguous). */
  readonly expected: number;
  readonly missing: string[];
  readonly duplicated: string[];
  /** Contacts whose email is on more than one ERP partner. */
  readonly duplicatedByEmail: string[];
  readonly mismatched: { id: string; field: string; crm: unknown; erp: unknown }[];
  readonly ambiguous: string[];
}

async function readAll(
  app: App,
  side: 'crm' | 'erp',
  object: string,
  fields: readonly string[],
): Promise<SourceRecord[]> {
  const sync = app.syncs['contacts'];
  if (sync === undefined) throw new Error('no contacts sync');
  const out: SourceRecord[] = [];
  for await (const page of sync[side].reader.readChanges(object, { cursor: null, fields })) out.push(...page.records);
  return out;
}

/** Reads both sandboxes through the connectors and checks every CRM contact against its ERP partner. */
export async function verifyContacts(app: App): Promise<Verification> {
  const sync = app.syncs['contacts'];
  if (sync === undefined) throw new Error('no contacts sync');
  const ambiguous = new Set((await app.store.ambiguousMatches('contacts')).map((a) => a.recordId));
  const contacts = await readAll(app, 'crm', sync.mapping.crmObject, sync.mapping.crmFields);
  const partners = await readAll(app, 'erp', sync.mapping.erpObject, sync.mapping.erpFields);
  const byRef = new Map<string, SourceRecord[]>();
  for (const partner of partners) {
    const ref = partner.fields['ref'];
    if (typeof ref === 'string' && ref !== '') byRef.set(ref, [...(byRef.get(ref) ?? []), partner]);
  }
  const byEmail = new Map<string, number>();
  for (const partner of partners) {
    const email = partner.fields['email'];
    if (typeof email === 'string' && email !== '')
      byEmail.set(email.toLowerCase(), (byEmail.get(email.toLowerCase()) ?? 0) + 1);
  }
  const result: Verification = {
    expected: 0,
    missing: [],
    duplicated: [],
    duplicatedByEmail: [],
    mismatched: [],
    ambiguous: [...ambiguous],
  };
  let expected = 0;
  for (const contact of contacts) {
    const mapped = sync.mapping.toErp(contact);
    if (!mapped.ok || ambiguous.has(contact.id)) continue;
    expected++;
    const ref = String(mapped.fields['ref']);
    const found = byRef.get(ref) ?? [];
    if (found.length === 0) result.missing.push(contact.id);
    if (found.length > 1) result.duplicated.push(contact.id);
    const email = mapped.fields['email'];
    if (typeof email === 'string' && (byEmail.get(email.toLowerCase()) ?? 0) > 1)
      result.duplicatedByEmail.push(contact.id);
    const partner = found[0];
    if (partner === undefined) continue;
    for (const [field, value] of Object.entries(mapped.fields)) {
      const raw = partner.fields[field];
      const actual = typeof value === 'boolean' ? raw : raw === false || raw === undefined ? null : raw;
      if (actual !== value) result.mismatched.push({ id: contact.id, field, crm: value, erp: actual });
    }
  }
  return { ...result, expected };
}
