/**
 * The sandbox's properties API models creating custom properties and property groups as HubSpot
 * does (201; 409 for an existing name; 400 VALIDATION_ERROR for a bad type or a field type that
 * does not go with it), and refuses a write naming a property that does not exist (400 "Property
 * values were not valid", PROPERTY_DOESNT_EXIST) until it is created.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WriteOperation } from '../../../connectors/types.js';
import { api, connectorFor, sandboxPerTest, startSandbox, tempDir } from './harness.js';

type Json = Record<string, unknown>;
const results = (json: Json): Json[] => json['results'] as Json[];

const ORDER_NUMBER = {
  name: 'tandem_order_number',
  label: 'Order number',
  type: 'string',
  fieldType: 'text',
  groupName: 'tandem',
};

describe('the HubSpot sandbox models custom properties and property groups', () => {
  const sandbox = sandboxPerTest();

  it('creates a property group once; the second create is a 409', async () => {
    const server = await sandbox();
    const before = await api(server.url, 'GET', '/crm/v3/properties/deals/groups');
    expect(results(before.json).map((g) => g['name'])).toEqual(['dealinformation', 'tandem']);
    const group = { name: 'erp_sync', label: 'ERP sync', displayOrder: 3 };
    const created = await api(server.url, 'POST', '/crm/v3/properties/deals/groups', group);
    expect(created).toMatchObject({ status: 201, json: { ...group, archived: false } });
    const after = await api(server.url, 'GET', '/crm/v3/properties/deals/groups');
    expect(results(after.json).map((g) => g['name'])).toContain('erp_sync');
    const again = await api(server.url, 'POST', '/crm/v3/properties/deals/groups', group);
    expect(again).toMatchObject({ status: 409, json: { status: 'error', category: 'OBJECT_ALREADY_EXISTS' } });
    // Groups are per object.
    const contacts = await api(server.url, 'GET', '/crm/v3/properties/contacts/groups');
    expect(results(contacts.json).map((g) => g['name'])).not.toContain('erp_sync');
  });

  it('creates a property (201), lists it as a custom one, and answers 409 for its name again', async () => {
    const server = await sandbox();
    const created = await api(server.url, 'POST', '/crm/v3/properties/deals', ORDER_NUMBER);
    expect(created).toMatchObject({
      status: 201,
      json: { ...ORDER_NUMBER, hubspotDefined: false, modificationMetadata: { readOnlyValue: false } },
    });
    const list = await api(server.url, 'GET', '/crm/v3/properties/deals');
    expect(results(list.json).find((p) => p['name'] === 'tandem_order_number')).toMatchObject({
      type: 'string',
      fieldType: 'text',
      groupName: 'tandem',
      hubspotDefined: false,
    });
    const again = await api(server.url, 'POST', '/crm/v3/properties/deals', ORDER_NUMBER);
    expect(again).toMatchObject({ status: 409, json: { category: 'OBJECT_ALREADY_EXISTS' } });
    const builtIn = await api(server.url, 'POST', '/crm/v3/properties/deals', { ...ORDER_NUMBER, name: 'dealname' });
    expect(builtIn.status).toBe(409);
  });

  it('refuses a bad type, a field type that does not go with the type, an unknown group, a missing label', async () => {
    const server = await sandbox();
    const post = (body: Json) => api(server.url, 'POST', '/crm/v3/properties/deals', { ...ORDER_NUMBER, ...body });
    for (const body of [
      { type: 'text' },
      { type: 'number', fieldType: 'text' },
      { type: 'datetime', fieldType: 'text' },
      { groupName: 'nowhere' },
      { name: 'Bad Name' },
      { label: undefined },
    ]) {
      const answer = await post(body);
      expect(answer, JSON.stringify(body)).toMatchObject({
        status: 400,
        json: { status: 'error', category: 'VALIDATION_ERROR' },
      });
    }
    const list = await api(server.url, 'GET', '/crm/v3/properties/deals');
    expect(results(list.json).some((p) => p['name'] === 'tandem_order_number')).toBe(false);
  });

  it('refuses a write naming a property that does not exist, and takes it once the property is created', async () => {
    const server = await sandbox();
    const write = () =>
      api(server.url, 'POST', '/crm/v3/objects/deals/batch/update', {
        inputs: [{ id: '1', properties: { tandem_order_number: 'S00042', tandem_paid_date: '2026-03-01' } }],
      });
    const refused = await write();
    expect(refused).toMatchObject({ status: 400, json: { category: 'VALIDATION_ERROR' } });
    expect(String(refused.json['message'])).toMatch(/^Property values were not valid: /);
    expect(String(refused.json['message'])).toContain('PROPERTY_DOESNT_EXIST');

    await api(server.url, 'POST', '/crm/v3/properties/deals', ORDER_NUMBER);
    const paid = { ...ORDER_NUMBER, name: 'tandem_paid_date', label: 'Paid on', type: 'date', fieldType: 'date' };
    expect((await api(server.url, 'POST', '/crm/v3/properties/deals', paid)).status).toBe(201);
    expect((await write()).status).toBe(200);
    const read = await api(
      server.url,
      'GET',
      '/crm/v3/objects/deals/1?properties=tandem_order_number,tandem_paid_date',
    );
    // A date property answers YYYY-MM-DD, as HubSpot shows a date.
    expect(read.json['properties']).toMatchObject({ tandem_order_number: 'S00042', tandem_paid_date: '2026-03-01' });
    const search = await api(server.url, 'POST', '/crm/v3/objects/deals/search', {
      filterGroups: [{ filters: [{ propertyName: 'tandem_order_number', operator: 'EQ', value: 'S00042' }] }],
      properties: ['tandem_order_number'],
    });
    expect(results(search.json).map((r) => r['id'])).toEqual(['1']);
    const notMidnight = await api(server.url, 'POST', '/crm/v3/objects/deals/batch/update', {
      inputs: [{ id: '1', objectWriteTraceId: '0', properties: { tandem_paid_date: '2026-03-01T10:00:00Z' } }],
    });
    expect(notMidnight.status).toBe(207);
    expect(JSON.stringify(notMidnight.json['errors'])).toContain('INVALID_DATE');
  });

  it('keeps created properties and groups across a restart', async () => {
    const dir = await tempDir();
    try {
      const first = await startSandbox(dir);
      await api(first.url, 'POST', '/crm/v3/properties/deals/groups', { name: 'erp_sync', label: 'ERP sync' });
      await api(first.url, 'POST', '/crm/v3/properties/deals', ORDER_NUMBER);
      await first.close();
      const second = await startSandbox(dir);
      const list = await api(second.url, 'GET', '/crm/v3/properties/deals');
      const groups = await api(second.url, 'GET', '/crm/v3/properties/deals/groups');
      await second.close();
      expect(results(list.json).some((p) => p['name'] === 'tandem_order_number')).toBe(true);
      expect(results(groups.json).some((g) => g['name'] === 'erp_sync')).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('through the connector: ensure creates the missing properties once, after which a write naming them goes through', async () => {
    const server = await sandbox();
    const crm = connectorFor(server.url);
    const write: WriteOperation = {
      action: 'upsert',
      key: 'k1',
      targetId: '2',
      ref: { field: 'tandem_ref', value: 'HS-DEAL-2' },
      fields: { tandem_order_number: 'S00007', tandem_amount_paid: '120.50', tandem_paid_date: '2026-03-02' },
    };
    const [refused] = await crm.writer.writeBatch('deals', [write]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', retryable: false } });
    expect(JSON.stringify(refused)).toContain('PROPERTY_DOESNT_EXIST');

    const specs = [
      { name: 'tandem_order_number', label: 'Order number', type: 'string' },
      { name: 'tandem_amount_paid', label: 'Amount paid', type: 'number' },
      { name: 'tandem_paid_date', label: 'Paid on', type: 'date' },
    ] as const;
    const before = server.requestsByEndpoint()['POST /crm/v3/properties/deals'] ?? 0;
    expect(await crm.properties?.ensure('deals', specs)).toEqual(specs.map((s) => s.name));
    expect(await crm.properties?.ensure('deals', specs)).toEqual([]);
    expect(await connectorFor(server.url).properties?.ensure('deals', specs)).toEqual([]);
    expect((server.requestsByEndpoint()['POST /crm/v3/properties/deals'] ?? 0) - before).toBe(3);
    // The describe() cache forgot the old list: the new properties are fields now.
    const described = await crm.schema.describe('deals');
    expect(described.fields.find((f) => f.name === 'tandem_amount_paid')).toMatchObject({
      type: 'number',
      readOnly: false,
    });

    const [written] = await crm.writer.writeBatch('deals', [write]);
    expect(written).toMatchObject({ ok: true, id: '2' });
    const [found] = await crm.lookup.findBy(
      'deals',
      'hs_object_id',
      ['2'],
      ['tandem_order_number', 'tandem_paid_date'],
    );
    expect(found?.fields).toMatchObject({ tandem_order_number: 'S00007', tandem_paid_date: '2026-03-02' });
  });
});
