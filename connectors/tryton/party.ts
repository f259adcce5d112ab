/**
 * `party.party` flattened, so that flat mappings work. A party keeps its email and phone in
 * contact mechanisms, its address in addresses and its VAT number in identifiers; the connector
 * shows them as plain fields of the party:
 *
 * | virtual field    | read from                                   | a write ...                                    |
 * | ---------------- | ------------------------------------------- | ---------------------------------------------- |
 * | `email`, `phone` | the first active contact mechanism of that  | updates that mechanism, creates one if none,   |
 * |                  | type (Tryton's `party.email` / `party.phone`)| deletes it when the value is empty; inactive   |
 * |                  | (mechanisms.ts)                             | mechanisms are never read nor written          |
 * | `street`, `city`,| the first address (`addresses` order:       | updates the first address, or creates one when |
 * | `zip`,           | sequence, id); `zip` is `postal_code`,      | any value is given; `country_code` is resolved |
 * | `country_code`   | `country_code` the country's ISO code       | to a `country.country` by its code             |
 * | `tax_identifier` | the code of the party's tax identifier      | updates that identifier's code, or creates one |
 * |                  |                                             | of the configured `taxIdentifierType`; deletes |
 * |                  |                                             | it when empty                                  |
 *
 * All sub-record changes go in the party's own `write` / `create` as one2many actions
 * (`[["create", [...]], ["write", [ids], {...}], ["delete", [ids]]]`), so they commit or fail
 * with the party in one Tryton transaction.
 */
import { MECHANISM_READ, mechanismValues } from './mechanisms.js';
import type { PartyState } from './schemas.js';

export const PARTY = 'party.party';

export const MECHANISM_FIELDS = ['email', 'phone'] as const;
export const ADDRESS_FIELDS = { street: 'street', city: 'city', zip: 'postal_code' } as const;
export const VIRTUAL_FIELDS = ['email', 'phone', 'street', 'city', 'zip', 'country_code', 'tax_identifier'] as const;

const isVirtual = (field: string): boolean => (VIRTUAL_FIELDS as readonly string[]).includes(field);

/** The fields `search_read` must ask for to produce the requested virtual fields. */
export function readFields(requested: readonly string[]): string[] {
  const out = new Set<string>();
  for (const field of requested) {
    if (!isVirtual(field)) out.add(field);
    else if (field === 'tax_identifier') out.add('tax_identifier.code');
    else if (field === 'email' || field === 'phone') MECHANISM_READ.forEach((f) => out.add(f));
    else {
      out.add('addresses');
      out.add(
        field === 'country_code'
          ? 'addresses.country.code'
          : `addresses.${ADDRESS_FIELDS[field as keyof typeof ADDRESS_FIELDS]}`,
      );
    }
  }
  return [...out];
}

type Row = Readonly<Record<string, unknown>>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A row read with {@link readFields} as flat fields: nested `x.` members folded into the virtual ones. */
export function flattenParty(row: Row, requested: readonly string[]): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const addressIds = Array.isArray(row['addresses']) ? row['addresses'] : [];
  const nested = Array.isArray(row['addresses.']) ? (row['addresses.'] as Row[]) : [];
  const first = nested.find((a) => a['id'] === addressIds[0]) ?? nested[0];
  for (const field of requested) {
    if (field === 'email' || field === 'phone') flat[field] = mechanismValues(row, field)[0] ?? null;
    else if (field === 'tax_identifier') flat[field] = text((row['tax_identifier.'] as Row | null)?.['code']);
    else if (field === 'country_code') flat[field] = text((first?.['country.'] as Row | null | undefined)?.['code']);
    else if (field in ADDRESS_FIELDS) flat[field] = text(first?.[ADDRESS_FIELDS[field as keyof typeof ADDRESS_FIELDS]]);
    else if (field in row) flat[field] = row[field];
  }
  return flat;
}

/** A contact mechanism as read with the party before a write. */
export interface Mechanism {
  readonly id: number;
  readonly type: string;
  readonly value: string | null;
}

/** What a write needs to know of the party it changes (nothing for a new party). */
export interface CurrentParty {
  readonly state: PartyState;
  readonly mechanisms: readonly Mechanism[];
}

export interface PartyWriteOptions {
  readonly taxIdentifierType: string;
  /** Country id by ISO code; undefined when Tryton has no such country. */
  readonly countryId: (code: string) => number | undefined;
}

type Action = readonly unknown[];

/**
 * Flat fields -> the values of a party `write` (with `current`) or `create` (without):
 * native fields as they are, virtual ones as one2many actions. Throws a RangeError for a
 * country code Tryton does not know.
 */
export function partyValues(
  fields: Readonly<Record<string, unknown>>,
  current: CurrentParty | undefined,
  options: PartyWriteOptions,
): Record<string, unknown> {
  const vals: Record<string, unknown> = {};
  const mechanisms: Action[] = [];
  for (const [field, value] of Object.entries(fields)) if (!isVirtual(field)) vals[field] = value;

  for (const type of MECHANISM_FIELDS) {
    if (!(type in fields)) continue;
    const value = text(fields[type]);
    const existing = current?.mechanisms.find((m) => m.type === type);
    if (existing === undefined) {
      if (value !== null) mechanisms.push(['create', [{ type, value }]]);
    } else if (value === null) mechanisms.push(['delete', [existing.id]]);
    else if (existing.value !== value) mechanisms.push(['write', [existing.id], { value }]);
  }
  if (mechanisms.length > 0) vals['contact_mechanisms'] = mechanisms;

  const address: Record<string, unknown> = {};
  for (const [flat, native] of Object.entries(ADDRESS_FIELDS)) if (flat in fields) address[native] = text(fields[flat]);
  if ('country_code' in fields) {
    const code = text(fields['country_code']);
    const id = code === null ? null : options.countryId(code.toUpperCase());
    if (id === undefined) throw new RangeError(`Tryton has no country with the code ${JSON.stringify(code)}`);
    address['country'] = id;
  }
  const firstAddress = current?.state.addresses[0];
  if (firstAddress !== undefined && Object.keys(address).length > 0) {
    vals['addresses'] = [['write', [firstAddress], address]];
  } else if (Object.values(address).some((v) => v !== null)) {
    vals['addresses'] = [['create', [address]]];
  }

  if ('tax_identifier' in fields) {
    const code = text(fields['tax_identifier']);
    const existing = current?.state.tax_identifier ?? null;
    if (existing === null) {
      if (code !== null) vals['identifiers'] = [['create', [{ type: options.taxIdentifierType, code }]]];
    } else if (code === null) vals['identifiers'] = [['delete', [existing]]];
    else vals['identifiers'] = [['write', [existing], { code }]];
  }
  return vals;
}
