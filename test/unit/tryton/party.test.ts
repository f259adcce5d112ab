import { describe, expect, it } from 'vitest';
import { activeMechanisms } from '../../../connectors/tryton/mechanisms.js';
import { flattenParty, partyValues, readFields } from '../../../connectors/tryton/party.js';

const options = { taxIdentifierType: 'eu_vat', countryId: (code: string) => ({ FR: 75, DE: 49 })[code] };
const state = (over: Partial<{ addresses: number[]; tax_identifier: number | null }> = {}) => ({
  id: 7,
  _timestamp: '1700000000',
  contact_mechanisms: [11, 12, 13],
  'contact_mechanisms.': [],
  addresses: over.addresses ?? [21, 22],
  identifiers: [31],
  tax_identifier: over.tax_identifier === undefined ? 31 : over.tax_identifier,
});

describe('party virtual fields', () => {
  it('asks Tryton for the nested fields behind the flat ones', () => {
    expect(readFields(['name', 'email', 'zip', 'country_code', 'tax_identifier'])).toEqual([
      'name',
      'contact_mechanisms',
      'contact_mechanisms.type',
      'contact_mechanisms.value',
      'contact_mechanisms.active',
      'addresses',
      'addresses.postal_code',
      'addresses.country.code',
      'tax_identifier.code',
    ]);
  });

  it('flattens the first address (by the addresses order), empty values as null', () => {
    const row = {
      id: 7,
      name: 'Ada',
      contact_mechanisms: [41, 42],
      'contact_mechanisms.': [
        { id: 42, type: 'phone', value: '+33', active: 1 },
        { id: 41, type: 'email', value: '', active: 1 },
      ],
      addresses: [22, 21],
      'addresses.': [
        { id: 21, city: 'Paris', postal_code: '75002', 'country.': { id: 75, code: 'FR' } },
        { id: 22, city: 'Lyon', postal_code: null, 'country.': null },
      ],
      'tax_identifier.': { id: 31, code: 'FR40303265045' },
    };
    expect(flattenParty(row, ['name', 'email', 'phone', 'city', 'zip', 'country_code', 'tax_identifier'])).toEqual({
      name: 'Ada',
      email: null,
      phone: '+33',
      city: 'Lyon',
      zip: null,
      country_code: null,
      tax_identifier: 'FR40303265045',
    });
  });

  it('reads email and phone from the first active mechanism of the type, never an inactive one', () => {
    const row = {
      id: 7,
      // Tryton's order (sequence, id), as the one2many lists them; the nested rows come in any order.
      contact_mechanisms: [53, 51, 52, 54],
      'contact_mechanisms.': [
        { id: 51, type: 'email', value: 'second@x.example', active: 1 },
        { id: 52, type: 'phone', value: '+49 30 1', active: 1 },
        { id: 53, type: 'email', value: 'retired@x.example', active: 0 },
        { id: 54, type: 'email', value: 'third@x.example', active: true },
      ],
    };
    expect(flattenParty(row, ['email', 'phone'])).toEqual({ email: 'second@x.example', phone: '+49 30 1' });
    expect(activeMechanisms(row).map((m) => m.id)).toEqual([51, 52, 54]);
  });

  it('creates: mechanisms, one address and a tax identifier of the configured type', () => {
    expect(
      partyValues(
        {
          name: 'Ada',
          code: 'HS-1',
          email: 'a@x',
          phone: null,
          city: 'Paris',
          country_code: 'fr',
          tax_identifier: 'FR1',
        },
        undefined,
        options,
      ),
    ).toEqual({
      name: 'Ada',
      code: 'HS-1',
      contact_mechanisms: [['create', [{ type: 'email', value: 'a@x' }]]],
      addresses: [['create', [{ city: 'Paris', country: 75 }]]],
      identifiers: [['create', [{ type: 'eu_vat', code: 'FR1' }]]],
    });
    // Nothing to put in an address: no empty address is created.
    expect(partyValues({ name: 'B', street: null, city: '' }, undefined, options)).toEqual({ name: 'B' });
  });

  it('updates in place the first mechanism of each type, deletes emptied ones, writes the first address', () => {
    const current = {
      state: state(),
      mechanisms: [
        { id: 11, type: 'email', value: 'old@x' },
        { id: 12, type: 'phone', value: '+1' },
        { id: 13, type: 'email', value: 'second@x' },
      ],
    };
    expect(partyValues({ email: 'new@x', phone: '', zip: '1000', tax_identifier: null }, current, options)).toEqual({
      contact_mechanisms: [
        ['write', [11], { value: 'new@x' }],
        ['delete', [12]],
      ],
      addresses: [['write', [21], { postal_code: '1000' }]],
      identifiers: [['delete', [31]]],
    });
    // Unchanged values write nothing.
    expect(partyValues({ email: 'old@x' }, current, options)).toEqual({});
  });

  it('refuses a country code Tryton does not have', () => {
    expect(() => partyValues({ country_code: 'ZZ' }, undefined, options)).toThrow(/no country with the code "ZZ"/);
  });
});
