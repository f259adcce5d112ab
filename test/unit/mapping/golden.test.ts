/**
 * Golden fixtures: vendor JSON in the shape the APIs return it (HubSpot's CRM objects, Odoo's
 * `search_read` rows), the exact other-side payload out, both ways, through the shipped mapping.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../connectors/types.js';
import { toSourceRecord as fromHubspot } from '../../../connectors/hubspot/records.js';
import type { PublicObject } from '../../../connectors/hubspot/schemas.js';
import { toSourceRecord as fromOdoo } from '../../../connectors/odoo/records.js';
import type { ChangeRow } from '../../../connectors/odoo/schemas.js';
import { loadMapping } from '../../../src/mapping/load.js';
import { staticResolver, type StaticResolverData } from '../../../src/mapping/resolver.js';

const dir = 'test/fixtures/mapping';
const json = <T>(name: string): T => JSON.parse(fs.readFileSync(`${dir}/${name}`, 'utf8')) as T;
const resolver = staticResolver(json<StaticResolverData>('links.json'));
const contacts = loadMapping('mappings/hubspot-contacts-to-odoo-partners.yaml');

describe('golden: HubSpot contacts -> Odoo partners', () => {
  const page = json<{ results: PublicObject[] }>('hubspot-contacts.json');
  const expected = json<Record<string, unknown>>('hubspot-contacts.to-odoo.json');
  for (const object of page.results) {
    it(`contact ${object.id}`, () => {
      const record = fromHubspot(object, Date.parse(object.updatedAt));
      // toErp is canonical + encode: the path a run takes.
      expect(contacts.toErp(record, resolver)).toEqual(expected[object.id]);
    });
  }

  it('without a resolver, leaves references and lookups out instead of waiting', () => {
    const [first] = page.results;
    if (first === undefined) throw new Error('fixture empty');
    const result = contacts.toErp(fromHubspot(first, 0));
    expect(result.ok && Object.keys(result.fields)).toEqual([
      'name',
      'email',
      'phone',
      'function',
      'street',
      'city',
      'zip',
      'company_name',
      'is_company',
      'ref',
    ]);
  });
});

describe('golden: Odoo partners -> HubSpot contacts', () => {
  const rows = json<ChangeRow[]>('odoo-partners.json');
  const expected = json<Record<string, unknown>>('odoo-partners.to-hubspot.json');
  for (const row of rows) {
    it(`partner ${row.id}`, () => {
      expect(contacts.toCrm(fromOdoo(row), resolver)).toEqual(expected[String(row.id)]);
    });
  }

  it('round trip: ERP -> CRM -> ERP gives the ERP canonical values back', () => {
    const row = rows[0];
    if (row === undefined) throw new Error('fixture empty');
    const partner = fromOdoo(row);
    const back = contacts.toCrm(partner, resolver);
    if (!back.ok) throw new Error(back.reason);
    const contact: SourceRecord = { id: '12', modifiedAt: partner.modifiedAt, deleted: false, fields: back.fields };
    const there = contacts.canonical('crm', contact, resolver);
    const erp = contacts.canonical('erp', partner, resolver);
    if (!there.ok || !erp.ok) throw new Error('no canonical values');
    // company_name flows CRM -> ERP only, so the CRM has no copy of it.
    const { company_name: _dropped, ...rest } = erp.values;
    expect(there.values).toMatchObject(rest);
    expect(erp.values['parent_id']).toBe('4002');
  });
});

describe('golden: HubSpot companies -> Odoo company partners', () => {
  const companies = loadMapping('mappings/hubspot-companies-to-odoo-companies.yaml');
  it('maps a company record and its country', () => {
    const record: SourceRecord = {
      id: '1001',
      modifiedAt: '2024-01-01T00:00:00.000Z',
      deleted: false,
      fields: {
        name: 'Lumen   Labs SA',
        domain: 'lumenlabs12.example',
        phone: '+33 145 678901',
        address: '3 Market Place',
        city: 'Lyon',
        zip: '69002',
        country: 'France',
        industry: 'COMPUTER_SOFTWARE',
      },
    };
    expect(companies.toErp(record, resolver)).toEqual({
      ok: true,
      fields: {
        name: 'Lumen Labs SA',
        phone: '+33145678901',
        street: '3 Market Place',
        city: 'Lyon',
        zip: '69002',
        country_id: 12,
        is_company: true,
        ref: 'HSC-1001',
      },
    });
    expect(companies.references).toEqual([]);
    expect(contacts.references).toEqual(['companies']);
    expect(contacts.lookups).toEqual([{ side: 'erp', object: 'res.country', field: 'code' }]);
  });
});
