/**
 * The official SDK (@hubspot/api-client 13.5) against the sandbox: its calls for deals, products,
 * line items, pipelines and v4 associations work with `basePath` pointed at the sandbox, and
 * deserialize what the sandbox answers.
 */
import fs from 'node:fs';
import { Client } from '@hubspot/api-client';
import { AssociationSpecAssociationCategoryEnum as Category } from '@hubspot/api-client/lib/codegen/crm/line_items/models/AssociationSpec.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../sandbox/types.js';
import { TOKEN, WORLD, startSandbox, tempDir } from './harness.js';

describe('the official HubSpot SDK against the sandbox’s deals, products, line items and associations', () => {
  let server: RunningServer;
  let dir: string;
  let client: Client;
  beforeAll(async () => {
    dir = await tempDir();
    server = await startSandbox(dir);
    client = new Client({ accessToken: TOKEN, basePath: server.url });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the deal pipelines and their stages', async () => {
    const pipelines = await client.crm.pipelines.pipelinesApi.getAll('deals');
    const sales = pipelines.results.find((p) => p.id === 'default');
    expect(sales?.label).toBe('Sales Pipeline');
    expect(sales?.stages.map((s) => s.id)).toContain('closedwon');
    const one = await client.crm.pipelines.pipelinesApi.getById('deals', 'default');
    expect(one.stages.find((s) => s.id === 'closedlost')?.metadata).toEqual({ isClosed: 'true', probability: '0.0' });
  });

  it('creates, reads, updates, searches, batch-reads and archives deals', async () => {
    const created = await client.crm.deals.basicApi.create({
      properties: { dealname: 'SDK deal', amount: '990.10', dealstage: 'contractsent', deal_currency_code: 'EUR' },
      associations: [],
    });
    expect(created.properties).toMatchObject({ dealname: 'SDK deal', pipeline: 'default', amount: '990.10' });
    const read = await client.crm.deals.basicApi.getById(created.id, ['dealstage', 'amount']);
    expect(read.properties['dealstage']).toBe('contractsent');
    const won = await client.crm.deals.basicApi.update(created.id, { properties: { dealstage: 'closedwon' } });
    expect(won.properties['dealstage']).toBe('closedwon');
    const found = await client.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ' as never, value: 'closedwon' }] }],
      properties: ['dealstage'],
      limit: 200,
      after: '0',
      sorts: [],
    });
    const seededWon = WORLD.commerce.deals.filter((d) => d.stage === 'closedwon').length;
    expect(found.total).toBe(seededWon + 1);
    const batch = await client.crm.deals.batchApi.read({
      inputs: [{ id: created.id }, { id: '1' }],
      properties: ['amount'],
      propertiesWithHistory: [],
    });
    expect(batch.results.map((r) => r.id).sort()).toEqual(['1', created.id].sort());
    await client.crm.deals.basicApi.archive(created.id);
    await expect(client.crm.deals.basicApi.getById(created.id)).rejects.toMatchObject({ code: 404 });
    await expect(
      client.crm.deals.basicApi.create({ properties: { dealstage: 'not-a-stage' }, associations: [] }),
    ).rejects.toMatchObject({ code: 400 });
  });

  it('creates a product and a line item from it, associated to a deal, and reads the association', async () => {
    const product = await client.crm.products.basicApi.create({
      properties: { name: 'SDK product', hs_sku: 'SDK-1', price: '10.00' },
    });
    const line = await client.crm.lineItems.basicApi.create({
      properties: { hs_product_id: product.id, quantity: '4', discount: '1.25' },
      associations: [
        { to: { id: '2' }, types: [{ associationCategory: Category.HubspotDefined, associationTypeId: 20 }] },
      ],
    });
    expect(line.properties).toMatchObject({ hs_sku: 'SDK-1', price: '10.00', amount: '35.00' });
    const links = await client.crm.associations.v4.batchApi.getPage('deals', 'line_items', { inputs: [{ id: '2' }] });
    const ids = links.results[0]?.to.map((t) => String(t.toObjectId)) ?? [];
    expect(ids).toContain(line.id);
    const contact = await client.crm.associations.v4.basicApi.createDefault('deals', '2', 'contacts', '3');
    expect(contact.results.map((r) => r.associationSpec.associationTypeId).sort()).toEqual([3, 4]);
    const back = await client.crm.associations.v4.basicApi.getPage('contacts', '3', 'deals');
    expect(back.results.map((r) => String(r.toObjectId))).toContain('2');
    await client.crm.associations.v4.basicApi.archive('deals', '2', 'contacts', '3');
    const gone = await client.crm.associations.v4.basicApi.getPage('contacts', '3', 'deals');
    expect(gone.results.map((r) => String(r.toObjectId))).not.toContain('2');
  });
});
