/**
 * The shipped contact mapping (mappings/hubspot-contacts-to-odoo-partners.yaml) written by hand, as
 * a person would: the baseline of the mapping benchmark (contacts.ts) and the mapping of the floor
 * script (floor.ts). contacts.ts checks it produces the mapping's payloads.
 */
import type { SourceRecord } from '../connectors/types.js';
import type { ReferenceResolver } from '../src/mapping/resolver.js';
import { toE164 } from '../src/mapping/transforms/phone.js';

export const COUNTRY_CODES: Readonly<Record<string, string>> = {
  austria: 'AT',
  belgium: 'BE',
  france: 'FR',
  germany: 'DE',
  ireland: 'IE',
  italy: 'IT',
  netherlands: 'NL',
  portugal: 'PT',
  spain: 'ES',
  sweden: 'SE',
  'united kingdom': 'GB',
  'united states': 'US',
  switzerland: 'CH',
};

function text(value: unknown): string | null {
  if (typeof value !== 'string') return value === undefined || value === null ? null : String(value);
  const t = value.trim();
  return t === '' ? null : t;
}

/** What a person would write by hand for the shipped contact mapping. */
export function handWritten(record: SourceRecord, resolver: ReferenceResolver): Record<string, unknown> | null {
  const f = record.fields;
  const email = text(f['email']);
  if (email === null) return null;
  const name = `${text(f['firstname']) ?? ''} ${text(f['lastname']) ?? ''}`.replace(/\s+/g, ' ').trim();
  if (name === '') return null;
  const phone = text(f['phone']);
  const country = text(f['country']);
  const code = country === null ? undefined : COUNTRY_CODES[country.toLowerCase()];
  const company = text(f['associatedcompanyid']);
  let parent: number | null = null;
  if (company !== null) {
    const id = resolver.resolve('companies', 'erp', company);
    if (id === undefined) return null;
    parent = Number(id);
  }
  const countryId = code === undefined ? undefined : resolver.lookup('erp', 'res.country', 'code', code);
  return {
    name,
    email: email.toLowerCase(),
    phone: phone === null ? null : (toE164(phone, undefined) ?? phone),
    function: text(f['jobtitle']),
    street: text(f['address']),
    city: text(f['city']),
    zip: text(f['zip']),
    company_name: text(f['company']),
    country_id: countryId === undefined ? null : Number(countryId),
    parent_id: parent,
    is_company: false,
    ref: `HS-${record.id}`,
  };
}
