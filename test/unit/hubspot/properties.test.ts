/**
 * `properties.ensure` on HubSpot's wire: the properties it lacks are created in the `tandem` group
 * (created first when absent), with the field type the properties guide pairs with each type; a
 * 409 counts as present; a property that exists with another type is refused by name.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PropertySpec } from '../../../connectors/types.js';
import { BASE, connector } from './fixtures.js';

const SPECS: readonly PropertySpec[] = [
  { name: 'tandem_order_number', label: 'Order number', type: 'string' },
  { name: 'tandem_amount_paid', label: 'Amount paid', type: 'number' },
  { name: 'tandem_paid_date', label: 'Paid on', type: 'date' },
  { name: 'tandem_synced_at', label: 'Synced at', type: 'datetime' },
];
const existing = (names: [string, string][]) => ({
  results: names.map(([name, type]) => ({ name, label: name, type })),
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

describe('HubSpot properties.ensure', () => {
  it('creates the tandem group when absent, then each missing property with its field type', async () => {
    const created: Record<string, unknown>[] = [];
    let group: unknown;
    const scope = nock(BASE)
      .get('/crm/v3/properties/deals')
      .reply(
        200,
        existing([
          ['dealname', 'string'],
          ['tandem_amount_paid', 'number'],
        ]),
      )
      .get('/crm/v3/properties/deals/groups')
      .reply(200, { results: [{ name: 'dealinformation', label: 'Deal information' }] })
      .post('/crm/v3/properties/deals/groups', (body: unknown) => {
        group = body;
        return true;
      })
      .reply(201, { name: 'tandem', label: 'Tandem', displayOrder: -1, archived: false })
      .post('/crm/v3/properties/deals', (body: Record<string, unknown>) => {
        created.push(body);
        return true;
      })
      .times(3)
      .reply(201, {});
    const names = await connector().properties?.ensure('deals', SPECS);
    expect(names).toEqual(['tandem_order_number', 'tandem_paid_date', 'tandem_synced_at']);
    expect(group).toEqual({ name: 'tandem', label: 'Tandem', displayOrder: -1 });
    expect(created).toEqual([
      { name: 'tandem_order_number', label: 'Order number', type: 'string', fieldType: 'text', groupName: 'tandem' },
      { name: 'tandem_paid_date', label: 'Paid on', type: 'date', fieldType: 'date', groupName: 'tandem' },
      { name: 'tandem_synced_at', label: 'Synced at', type: 'datetime', fieldType: 'date', groupName: 'tandem' },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('makes no group or property request when all exist; an existing group is not created again', async () => {
    const all = existing(SPECS.map((s) => [s.name, s.type]));
    nock(BASE).get('/crm/v3/properties/deals').reply(200, all);
    expect(await connector().properties?.ensure('deals', SPECS)).toEqual([]);

    const scope = nock(BASE)
      .get('/crm/v3/properties/deals')
      .reply(200, existing([]))
      .get('/crm/v3/properties/deals/groups')
      .reply(200, { results: [{ name: 'tandem', label: 'Tandem' }] })
      .post('/crm/v3/properties/deals')
      .reply(201, {})
      // Made meanwhile by another process: present, not created by this call.
      .post('/crm/v3/properties/deals')
      .reply(409, { status: 'error', category: 'OBJECT_ALREADY_EXISTS', message: 'exists' });
    expect(await connector().properties?.ensure('deals', SPECS.slice(0, 2))).toEqual(['tandem_order_number']);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a property that exists with another type, and a name HubSpot would not take, naming them', async () => {
    nock(BASE)
      .get('/crm/v3/properties/deals')
      .reply(200, existing([['tandem_amount_paid', 'string']]));
    await expect(connector().properties?.ensure('deals', SPECS)).rejects.toMatchObject({
      code: 'PROPERTY_TYPE_MISMATCH',
      message: expect.stringMatching(/"tandem_amount_paid" exists with type string.*says number/) as unknown,
    });
    await expect(
      connector().properties?.ensure('deals', [{ name: 'Order Number', label: 'x', type: 'string' }]),
    ).rejects.toMatchObject({
      code: 'PROPERTY_SPEC_INVALID',
      message: expect.stringContaining('"Order Number"') as unknown,
    });
  });

  it('fails with the vendor error when the properties API refuses a create', async () => {
    nock(BASE)
      .get('/crm/v3/properties/deals')
      .reply(200, existing([]))
      .get('/crm/v3/properties/deals/groups')
      .reply(200, { results: [{ name: 'tandem', label: 'Tandem' }] })
      .post('/crm/v3/properties/deals')
      .reply(403, { status: 'error', category: 'MISSING_SCOPES', message: 'This app lacks crm.schemas.deals.write' });
    await expect(connector().properties?.ensure('deals', SPECS.slice(0, 1))).rejects.toMatchObject({
      code: 'MISSING_SCOPES',
    });
  });
});
