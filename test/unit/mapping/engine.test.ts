/** Behaviour of the compiled mapping the reconciler relies on, and transform examples. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../connectors/types.js';
import { compileMatchKey } from '../../../src/mapping/keys.js';
import { loadMapping } from '../../../src/mapping/load.js';
import { staticResolver } from '../../../src/mapping/resolver.js';
import { roundDecimal } from '../../../src/mapping/transforms/decimal.js';
import { toE164 } from '../../../src/mapping/transforms/phone.js';
import { TRANSFORMS } from '../../../src/mapping/transforms/registry.js';
import { tempDir } from '../../helpers/tmp.js';

const record = (fields: Record<string, unknown>, id = '1'): SourceRecord => ({
  id,
  modifiedAt: '2024-01-01T00:00:00.000Z',
  deleted: false,
  fields,
});
const step = (name: string, options?: unknown) => {
  const def = TRANSFORMS.get(name);
  if (def === undefined) throw new Error(name);
  return def.build(options, { arity: 1, targets: 1 });
};

describe('transforms', () => {
  it('rounds decimals exactly, in every mode', () => {
    expect(roundDecimal('1.005', 2, 'halfUp')).toBe('1.01');
    expect(roundDecimal('2.5', 0, 'halfEven')).toBe('2');
    expect(roundDecimal('3.5', 0, 'halfEven')).toBe('4');
    expect(roundDecimal('-1.25', 1, 'floor')).toBe('-1.3');
    expect(roundDecimal('-1.25', 1, 'ceiling')).toBe('-1.2');
    expect(roundDecimal('9.999', 2, 'up')).toBe('10.00');
    expect(roundDecimal('1e-3', 2, 'down')).toBe('0.00');
    expect(roundDecimal('abc', 2, 'down')).toBeUndefined();
  });

  it('normalises phone numbers to E.164', () => {
    expect(toE164('+49 (30) 123-4567', undefined)).toBe('+49301234567');
    expect(toE164('0049 30 1234567', undefined)).toBe('+49301234567');
    expect(toE164('030 1234567', 'DE')).toBe('+49301234567');
    expect(toE164('06 1234 5678', 'IT')).toBe('+390612345678');
    expect(toE164('030 1234567', undefined)).toBeUndefined();
    expect(toE164('call me', 'DE')).toBeUndefined();
  });

  it('converts HubSpot date-times to Odoo UTC and dates in a time zone', () => {
    const dt = step('datetime', { from: 'hubspot', to: 'odoo' });
    expect(dt.forward('1714557600000', undefined)).toBe('2024-05-01 10:00:00');
    expect(dt.forward('2024-05-01T12:00:00+02:00', undefined)).toBe('2024-05-01 10:00:00');
    expect(dt.inverse?.('2024-05-01 10:00:00', undefined)).toBe('2024-05-01T10:00:00.000Z');
    const day = step('date', { from: 'hubspot', to: 'odoo', timezone: 'Europe/Berlin' });
    expect(day.forward('2024-05-01T23:30:00Z', undefined)).toBe('2024-05-02');
    expect(step('date', { from: 'hubspot', to: 'odoo' }).forward('1714521600000', undefined)).toBe('2024-05-01');
    expect(() => dt.forward('next tuesday', undefined)).toThrow(/not a hubspot date-time/);
  });

  it('maps values with a default, and back', () => {
    const map = step('map', {
      values: { lead: 'Prospect', customer: 'Customer' },
      default: 'Other',
      reverseDefault: 'other',
    });
    expect(map.forward('lead', undefined)).toBe('Prospect');
    expect(map.forward('evangelist', undefined)).toBe('Other');
    expect(map.inverse?.('Customer', undefined)).toBe('customer');
    expect(map.inverse?.('Other', undefined)).toBe('other');
    expect(step('map', { values: { a: 'X', b: 'X' } }).inverse).toBeUndefined();
  });

  it('parses numbers and booleans as vendors send them', () => {
    expect(step('number', { scale: 2 }).forward('12.345', undefined)).toBe(12.35);
    expect(step('decimal', { scale: 2 }).forward(12.5, undefined)).toBe('12.50');
    expect(step('boolean').forward('YES', undefined)).toBe(true);
    expect(step('boolean').inverse?.(false, undefined)).toBe('false');
    expect(() => step('boolean').forward('maybe', undefined)).toThrow(/not a yes\/no value/);
  });
});

describe('compiled mapping', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());
  const mappingOf = (yaml: string) => {
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(file, yaml);
    return loadMapping(file);
  };
  const contacts = loadMapping('mappings/hubspot-contacts-to-odoo-partners.yaml');

  it('exposes each field with its direction and owner for the reconciler', () => {
    expect(contacts.fields.map((f) => [f.name, f.direction, f.owner])).toEqual([
      ['name', 'both', 'latest'],
      ['email', 'both', 'latest'],
      ['phone', 'both', 'latest'],
      ['function', 'both', 'latest'],
      ['street', 'both', 'latest'],
      ['city', 'both', 'latest'],
      ['zip', 'both', 'latest'],
      ['company_name', 'crm->erp', 'crm'],
      ['country_id', 'both', 'latest'],
      ['parent_id', 'both', 'latest'],
    ]);
    expect(contacts.fields[0]).toMatchObject({
      crm: ['firstname', 'lastname'],
      erp: ['name'],
      tie: 'crm',
      required: true,
    });
  });

  it('gives both sides the same canonical values for agreeing records, and encodes merged values', () => {
    const resolver = staticResolver({
      links: { companies: { '3': '30' } },
      catalogs: { 'erp:res.country:code': { DE: '8' } },
    });
    const crm = contacts.canonical(
      'crm',
      record({
        firstname: 'Ada',
        lastname: 'Lovelace',
        email: 'ADA@x.example',
        phone: '030 1234567',
        country: 'Germany',
        associatedcompanyid: '3',
      }),
      resolver,
    );
    const erp = contacts.canonical(
      'erp',
      record({
        name: ' Ada  Lovelace',
        email: 'ada@x.example',
        phone: '030 1234567',
        country_id: [8, 'Germany'],
        parent_id: [30, 'X'],
        function: false,
        is_company: false,
      }),
      resolver,
    );
    if (!crm.ok || !erp.ok) throw new Error('expected canonical values');
    expect(crm.values).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@x.example',
      country_id: '8',
      parent_id: '30',
    });
    for (const field of ['email', 'phone', 'country_id', 'parent_id', 'function'])
      expect(erp.values[field]).toEqual(crm.values[field]);
    expect(contacts.encode('erp', crm.values, resolver, new Set(['parent_id', 'email']))).toEqual({
      ok: true,
      fields: { email: 'ada@x.example', parent_id: 30, is_company: false },
    });
    expect(contacts.encode('crm', { name: 'Grace Brewster Hopper' }, resolver)).toEqual({
      ok: true,
      fields: { firstname: 'Grace', lastname: 'Brewster Hopper' },
    });
    expect(contacts.referencesOf(record({ associatedcompanyid: '3' }), 'crm')).toEqual([
      { sync: 'companies', side: 'erp', id: '3' },
    ]);
    expect(contacts.referencesOf(record({ parent_id: [30, 'X'] }), 'erp')).toEqual([
      { sync: 'companies', side: 'crm', id: '30' },
    ]);
  });

  it('a reference whose target is not linked waits; an empty one maps to empty', () => {
    const resolver = staticResolver({});
    const base = { email: 'a@b.example', firstname: 'A', lastname: 'B' };
    expect(contacts.toErp(record({ ...base, associatedcompanyid: '9' }), resolver)).toMatchObject({
      ok: false,
      code: 'WAITING_REFERENCE',
      field: 'parent_id',
      sync: 'companies',
      id: '9',
    });
    expect(contacts.toErp(record(base), resolver)).toMatchObject({ ok: true, fields: { parent_id: null } });
  });

  it('reports the field of a value that cannot be mapped, and a required field left empty', () => {
    const m = mappingOf(`crm: { object: deals }
erp: { object: sale.order }
reference: { erp: client_order_ref, template: 'HS-{id}' }
fields:
  - { erp: amount_total, crm: amount, transform: [{ decimal: { scale: 2 } }], direction: crm->erp }
  - { erp: name, crm: dealname, required: true, transform: [{ truncate: 5 }] }
  - { erp: date_order, crm: closedate, transform: [{ datetime: { from: hubspot, to: odoo } }] }
  - { erp: [street, street2], crm: address, transform: [{ split: "\\n" }] }
`);
    expect(m.toErp(record({ amount: 'lots', dealname: 'x' }))).toMatchObject({
      ok: false,
      code: 'MAPPING_FAILED',
      field: 'amount_total',
      reason: 'amount_total: "lots" is not a number',
    });
    expect(m.toErp(record({ amount: '1', dealname: '  ' }))).toMatchObject({
      ok: false,
      code: 'MAPPING_FAILED',
      field: 'name',
      reason: 'name is required but empty',
    });
    expect(
      m.toErp(
        record({ amount: '1.5', dealname: 'Big deal', closedate: '1714557600000', address: 'Main St 1\nBack house' }),
      ),
    ).toEqual({
      ok: true,
      fields: {
        amount_total: 1.5,
        name: 'Big d',
        date_order: '2024-05-01 10:00:00',
        street: 'Main St 1',
        street2: 'Back house',
        client_order_ref: 'HS-1',
      },
    });
    expect(m.toCrm(record({ name: 'Deal', date_order: '2024-05-01 10:00:00', street: 'A', street2: false }))).toEqual({
      ok: true,
      fields: { dealname: 'Deal', closedate: '2024-05-01T10:00:00.000Z', address: 'A' },
    });
  });

  it('filters each side by its condition', () => {
    expect(contacts.toCrm(record({ name: 'Acme', is_company: true }))).toEqual({
      ok: false,
      code: 'FILTERED',
      reason: 'is_company is not false',
    });
    expect(contacts.canonical('crm', record({ email: '' }))).toEqual({
      ok: false,
      code: 'FILTERED',
      reason: 'email is empty',
    });
  });
});

describe('match keys a vendor-unique field can rely on (MatchKey.caseOnly)', () => {
  const problem = (at: readonly (string | number)[], message: string): never => {
    throw new Error(`${at.join('.')}: ${message}`);
  };
  const key = (normalize: Parameters<typeof compileMatchKey>[0]['normalize']) =>
    compileMatchKey({ crm: 'email', erp: 'email', normalize }, ['match', 0], problem);

  it('holds for keys that only trim and lower-case, and for none of the keys that make more values equal', () => {
    expect([key('none'), key('lowercase'), key(['trim', 'lowercase'])].map((k) => k.caseOnly)).toEqual([
      true,
      true,
      true,
    ]);
    // "a  b" and "a b" are one key value but two values to a vendor that compares them exactly.
    expect(key(['collapseWhitespace', 'lowercase']).caseOnly).toBe(false);
    expect(key(['uppercase']).caseOnly).toBe(false);
  });
});
