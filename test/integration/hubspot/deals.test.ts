import { describe, expect, it } from 'vitest';
import { WORLD, api, sandboxPerTest } from './harness.js';

type Json = Record<string, unknown>;
const results = (json: Json): Json[] => json['results'] as Json[];
const props = (json: Json): Record<string, string | null> => json['properties'] as Record<string, string | null>;

describe('the HubSpot sandbox models deals, pipelines, products and line items', () => {
  const sandbox = sandboxPerTest();

  it('serves the default Sales Pipeline with its stages as HubSpot ships them', async () => {
    const server = await sandbox();
    const list = await api(server.url, 'GET', '/crm/v3/pipelines/deals');
    expect(list.status).toBe(200);
    const sales = results(list.json).find((p) => p['id'] === 'default');
    expect(sales).toMatchObject({ label: 'Sales Pipeline', displayOrder: 0, archived: false });
    const stages = (sales?.['stages'] ?? []) as Json[];
    expect(stages.map((s) => s['id'])).toEqual([
      'appointmentscheduled',
      'qualifiedtobuy',
      'presentationscheduled',
      'decisionmakerboughtin',
      'contractsent',
      'closedwon',
      'closedlost',
    ]);
    expect(stages[0]).toMatchObject({ displayOrder: 0, metadata: { isClosed: 'false', probability: '0.2' } });
    expect(stages[5]).toMatchObject({ label: 'Closed Won', metadata: { isClosed: 'true', probability: '1.0' } });
    const one = await api(server.url, 'GET', '/crm/v3/pipelines/deals/default');
    expect(one.json).toMatchObject({ id: 'default', label: 'Sales Pipeline' });
    const missing = await api(server.url, 'GET', '/crm/v3/pipelines/deals/nope');
    expect(missing).toMatchObject({ status: 404, json: { status: 'error', category: 'OBJECT_NOT_FOUND' } });
  });

  it('seeds deals in several stages, amounts as decimal strings, searchable by dealstage and hs_lastmodifieddate', async () => {
    const server = await sandbox();
    const deals = WORLD.commerce.deals;
    const won = deals.filter((d) => d.stage === 'closedwon').length;
    expect(won).toBeGreaterThan(2);
    expect(new Set(deals.map((d) => d.stage)).size).toBeGreaterThan(4);
    const first = await api(
      server.url,
      'GET',
      '/crm/v3/objects/deals/1?properties=amount,dealstage,pipeline,closedate',
    );
    expect(props(first.json)).toMatchObject({
      amount: deals[0]?.amount,
      dealstage: deals[0]?.stage,
      pipeline: 'default',
      closedate: new Date(deals[0]?.closeDate ?? 0).toISOString(),
    });
    expect(props(first.json)['amount']).toMatch(/^\d+\.\d\d$/);
    const search = await api(server.url, 'POST', '/crm/v3/objects/deals/search', {
      filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' }] }],
      properties: ['dealstage'],
      limit: 200,
    });
    expect(search.json['total']).toBe(won);
    const last = deals[deals.length - 1]?.modifiedAt ?? 0;
    const recent = await api(server.url, 'POST', '/crm/v3/objects/deals/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(last) }] }],
    });
    expect(recent.json['total']).toBe(1);
  });

  it('puts a deal without a pipeline in the default one and rejects a stage its pipeline does not have', async () => {
    const server = await sandbox();
    const created = await api(server.url, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'New', amount: '1200.50', dealstage: 'qualifiedtobuy', closedate: '2024-05-01' },
    });
    expect(created.status).toBe(201);
    expect(props(created.json)).toMatchObject({
      pipeline: 'default',
      amount: '1200.50',
      closedate: '2024-05-01T00:00:00.000Z',
    });
    const bad = await api(server.url, 'POST', '/crm/v3/objects/deals', { properties: { dealstage: 'nonsense' } });
    expect(bad).toMatchObject({ status: 400, json: { status: 'error', category: 'VALIDATION_ERROR' } });
    expect(String(bad.json['message'])).toMatch(/^Property values were not valid: .*INVALID_OPTION/);
    // A stage of the Renewals pipeline is not a stage of the default one.
    const id = String(created.json['id']);
    const moved = await api(server.url, 'PATCH', `/crm/v3/objects/deals/${id}`, {
      properties: { dealstage: '1301479' },
    });
    expect(moved.status).toBe(400);
    const both = await api(server.url, 'PATCH', `/crm/v3/objects/deals/${id}`, {
      properties: { pipeline: '1301476', dealstage: '1301479' },
    });
    expect(props(both.json)).toMatchObject({ pipeline: '1301476', dealstage: '1301479' });
    const batch = await api(server.url, 'POST', '/crm/v3/objects/deals/batch/create', {
      inputs: [
        { objectWriteTraceId: 'a', properties: { dealname: 'ok', dealstage: 'closedwon' } },
        { objectWriteTraceId: 'b', properties: { dealname: 'bad', dealstage: 'won' } },
      ],
    });
    expect(batch.status).toBe(207);
    expect(batch.json).toMatchObject({
      numErrors: 1,
      errors: [{ category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['b'] } }],
    });
    expect(await api(server.url, 'DELETE', `/crm/v3/objects/deals/${id}`)).toMatchObject({ status: 204 });
    expect((await api(server.url, 'GET', `/crm/v3/objects/deals/${id}`)).status).toBe(404);
  });

  it('creates a line item from a product and calculates its net price as HubSpot does', async () => {
    const server = await sandbox();
    const product = await api(server.url, 'POST', '/crm/v3/objects/products', {
      properties: { name: 'Widget', hs_sku: 'W-1', price: '234.56' },
    });
    const productId = String(product.json['id']);
    const line = await api(server.url, 'POST', '/crm/v3/objects/line_items', {
      properties: { hs_product_id: productId, quantity: '10', hs_discount_percentage: '20' },
    });
    expect(line.status).toBe(201);
    // 10 x 234.56 = 2345.60; 20% of the total = 469.12; net 1876.48 (not 10 x 187.65).
    expect(props(line.json)).toMatchObject({
      name: 'Widget',
      hs_sku: 'W-1',
      price: '234.56',
      hs_pre_discount_amount: '2345.60',
      hs_total_discount: '469.12',
      amount: '1876.48',
    });
    const id = String(line.json['id']);
    const unit = await api(server.url, 'PATCH', `/crm/v3/objects/line_items/${id}`, {
      properties: { hs_discount_percentage: '', discount: '4.56', quantity: '3' },
    });
    expect(props(unit.json)).toMatchObject({ amount: '690.00', hs_total_discount: '13.68' });
    const readOnly = await api(server.url, 'PATCH', `/crm/v3/objects/line_items/${id}`, {
      properties: { amount: '1' },
    });
    expect(readOnly.status).toBe(400);
    expect(String(readOnly.json['message'])).toContain('READ_ONLY_VALUE');
    const orphan = await api(server.url, 'POST', '/crm/v3/objects/line_items', {
      properties: { hs_product_id: '99999', quantity: '1' },
    });
    expect(orphan).toMatchObject({ status: 400, json: { category: 'VALIDATION_ERROR' } });
  });

  it('seeds each deal with line items whose net prices add up to its amount', async () => {
    const server = await sandbox();
    const deal = WORLD.commerce.deals[0];
    const links = await api(server.url, 'POST', '/crm/v4/associations/deals/line_items/batch/read', {
      inputs: [{ id: '1' }],
    });
    const ids = ((results(links.json)[0]?.['to'] ?? []) as Json[]).map((t) => ({ id: String(t['toObjectId']) }));
    expect(ids).toHaveLength(deal?.lines.length ?? -1);
    const lines = await api(server.url, 'POST', '/crm/v3/objects/line_items/batch/read', {
      inputs: ids,
      properties: ['amount'],
    });
    const cents = results(lines.json).reduce((sum, l) => sum + Math.round(Number(props(l)['amount']) * 100), 0);
    expect((cents / 100).toFixed(2)).toBe(deal?.amount);
  });

  it('applies the lost-response fault to single-record creates and association PUTs: written, answer dropped', async () => {
    const faulty = await sandbox({ lostResponseRate: 1 });
    await expect(
      api(faulty.url, 'POST', '/crm/v3/objects/deals', { properties: { dealname: 'lost', tandem_ref: 'L-1' } }),
    ).rejects.toThrow();
    await expect(api(faulty.url, 'PUT', '/crm/v4/objects/deals/1/associations/default/contacts/7')).rejects.toThrow();
    const written = await api(faulty.url, 'GET', '/crm/v3/objects/deals/L-1?idProperty=tandem_ref');
    expect(written).toMatchObject({ status: 200, json: { properties: { dealname: 'lost' } } });
    const linked = await api(faulty.url, 'GET', '/crm/v4/objects/contacts/7/associations/deals');
    expect((linked.json['results'] as Json[]).map((r) => r['toObjectId'])).toContain(1);
    expect(faulty.faultCounts()['lost-response']).toBe(2);
  });

  it('keeps a deal that just moved to closedwon out of search until indexed, while GET sees it', async () => {
    const server = await sandbox();
    const open = WORLD.commerce.deals.findIndex((d) => !d.stage.startsWith('closed'));
    const id = String(open + 1);
    const moved = await api(server.url, 'PATCH', `/__sandbox/objects/deals/${id}`, {
      properties: { dealstage: 'closedwon' },
      searchIndexLagMs: 60_000,
    });
    expect(moved.status).toBe(200);
    const search = await api(server.url, 'POST', '/crm/v3/objects/deals/search', {
      filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' }] }],
      limit: 200,
    });
    expect(results(search.json).map((r) => r['id'])).not.toContain(id);
    const read = await api(server.url, 'GET', `/crm/v3/objects/deals/${id}?properties=dealstage`);
    expect(props(read.json)['dealstage']).toBe('closedwon');
    const invalid = await api(server.url, 'PATCH', `/__sandbox/objects/deals/${id}`, {
      properties: { dealstage: '1301477' },
    });
    expect(invalid.status).toBe(400);
  });
});
