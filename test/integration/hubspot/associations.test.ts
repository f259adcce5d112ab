import { describe, expect, it } from 'vitest';
import { api, sandboxPerTest } from './harness.js';

type Json = Record<string, unknown>;

describe('the HubSpot sandbox speaks the v4 associations API', () => {
  const sandbox = sandboxPerTest();
  async function newRecord(url: string, object: string, properties: Json): Promise<string> {
    return String((await api(url, 'POST', `/crm/v3/objects/${object}`, { properties })).json['id']);
  }

  it('associates with the default type in both directions (19 / 20) and reads it from either side', async () => {
    const server = await sandbox();
    const deal = await newRecord(server.url, 'deals', { dealname: 'A', dealstage: 'closedwon' });
    const line = await newRecord(server.url, 'line_items', { name: 'x', price: '2', quantity: '3' });
    const put = await api(server.url, 'PUT', `/crm/v4/objects/deal/${deal}/associations/default/line_item/${line}`);
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      status: 'COMPLETE',
      results: [
        {
          from: { id: deal },
          to: { id: line },
          associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 19 },
        },
        { from: { id: line }, to: { id: deal }, associationSpec: { associationTypeId: 20 } },
      ],
    });
    const read = await api(server.url, 'POST', '/crm/v4/associations/line_items/deals/batch/read', {
      inputs: [{ id: line }],
    });
    expect(read.status).toBe(200);
    expect(read.json['results']).toEqual([
      {
        from: { id: line },
        to: [
          { toObjectId: Number(deal), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 20, label: null }] },
        ],
      },
    ]);
  });

  it('answers inputs without associations with 207 and HubSpot’s NO_ASSOCIATIONS_FOUND error', async () => {
    const server = await sandbox();
    const deal = await newRecord(server.url, 'deals', { dealname: 'lonely' });
    const read = await api(server.url, 'POST', '/crm/v4/associations/deals/companies/batch/read', {
      inputs: [{ id: deal }, { id: '1' }],
    });
    expect(read.status).toBe(207);
    expect(read.json).toMatchObject({
      status: 'COMPLETE',
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
          message: `No company is associated with deal ${deal}.`,
          context: { fromObjectId: [deal], fromObjectType: ['deal'], toObjectType: ['company'] },
        },
      ],
    });
    // Seeded deal 1 has a primary company: the labeled type comes first, with the unlabeled one.
    const seeded = (read.json['results'] as Json[])[0];
    expect(seeded).toMatchObject({ from: { id: '1' } });
    expect((seeded?.['to'] as Json[])[0]?.['associationTypes']).toEqual([
      { category: 'HUBSPOT_DEFINED', typeId: 5, label: 'Primary' },
      { category: 'HUBSPOT_DEFINED', typeId: 341, label: null },
    ]);
  });

  it('keeps one primary company per deal, and archives associations in both directions', async () => {
    const server = await sandbox();
    const deal = await newRecord(server.url, 'deals', { dealname: 'B' });
    const primary = (company: string) => ({
      from: { id: deal },
      to: { id: company },
      types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }],
    });
    const created = await api(server.url, 'POST', '/crm/v4/associations/deals/companies/batch/create', {
      inputs: [primary('1'), primary('2')],
    });
    expect(created.status).toBe(201);
    expect(created.json['results']).toMatchObject([
      { fromObjectTypeId: '0-3', toObjectTypeId: '0-2', labels: ['Primary'] },
      {},
    ]);
    const fromCompany1 = await api(server.url, 'GET', `/crm/v4/objects/companies/1/associations/deals`);
    const types1 = (fromCompany1.json['results'] as Json[]).find((r) => r['toObjectId'] === Number(deal));
    expect(types1?.['associationTypes']).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 342, label: null }]);
    const fromCompany2 = await api(server.url, 'GET', `/crm/v4/objects/company/2/associations/deal`);
    const types2 = (fromCompany2.json['results'] as Json[]).find((r) => r['toObjectId'] === Number(deal));
    expect((types2?.['associationTypes'] as Json[]).map((t) => t['typeId'])).toEqual([6, 342]);
    const archived = await api(server.url, 'POST', '/crm/v4/associations/companies/deals/batch/archive', {
      inputs: [{ from: { id: '2' }, to: [{ id: deal }] }],
    });
    expect(archived.status).toBe(204);
    const left = await api(server.url, 'GET', `/crm/v4/objects/deals/${deal}/associations/companies`);
    expect((left.json['results'] as Json[]).map((r) => r['toObjectId'])).toEqual([1]);
  });

  it('rejects unknown types, unmodelled pairs, missing records and oversized batches', async () => {
    const server = await sandbox();
    const wrongType = await api(server.url, 'POST', '/crm/v4/associations/deals/contacts/batch/create', {
      inputs: [
        {
          from: { id: '1' },
          to: { id: '1' },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 19 }],
        },
      ],
    });
    expect(wrongType).toMatchObject({ status: 400, json: { category: 'VALIDATION_ERROR' } });
    const pair = await api(server.url, 'POST', '/crm/v4/associations/products/deals/batch/read', { inputs: [] });
    expect(pair.status).toBe(400);
    const missing = await api(server.url, 'POST', '/crm/v4/associations/deals/contacts/batch/create', {
      inputs: [
        {
          from: { id: '1' },
          to: { id: '999999' },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }],
        },
      ],
    });
    expect(missing).toMatchObject({ status: 207, json: { numErrors: 1 } });
    const tooMany = await api(server.url, 'POST', '/crm/v4/associations/deals/contacts/batch/read', {
      inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(i + 1) })),
    });
    expect(tooMany).toMatchObject({ status: 400, json: { category: 'VALIDATION_ERROR' } });
  });

  it('associates a record created with `associations` in the same call', async () => {
    const server = await sandbox();
    const line = await api(server.url, 'POST', '/crm/v3/objects/line_items', {
      properties: { name: 'with deal', price: '1', quantity: '1' },
      associations: [{ to: { id: '1' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 20 }] }],
    });
    expect(line.status).toBe(201);
    const read = await api(server.url, 'GET', `/crm/v4/objects/deals/1/associations/line_items`);
    expect((read.json['results'] as Json[]).map((r) => String(r['toObjectId']))).toContain(String(line.json['id']));
    const bad = await api(server.url, 'POST', '/crm/v3/objects/line_items', {
      properties: { name: 'bad' },
      associations: [{ to: { id: '1' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
    });
    expect(bad.status).toBe(400);
  });

  it('moves both deals’ associations to the record a deal merge creates', async () => {
    const server = await sandbox();
    const linesOf = async (deal: string): Promise<unknown[]> =>
      (
        (await api(server.url, 'GET', `/crm/v4/objects/deals/${deal}/associations/line_items`)).json[
          'results'
        ] as Json[]
      ).map((r) => r['toObjectId']);
    const expected = [...(await linesOf('1')), ...(await linesOf('2'))].map(Number).sort((a, b) => a - b);
    const merged = await api(server.url, 'POST', '/crm/v3/objects/deals/merge', {
      primaryObjectId: '1',
      objectIdToMerge: '2',
    });
    expect(merged.status).toBe(200);
    const id = String(merged.json['id']);
    expect((await linesOf(id)).map(Number).sort((a, b) => a - b)).toEqual(expected);
    const back = await api(server.url, 'GET', `/crm/v4/objects/line_items/${String(expected[0])}/associations/deals`);
    expect((back.json['results'] as Json[]).map((r) => String(r['toObjectId']))).toEqual([id]);
    const noMerge = await api(server.url, 'POST', '/crm/v3/objects/line_items/merge', {
      primaryObjectId: '1',
      objectIdToMerge: '2',
    });
    expect(noMerge.status).toBe(404);
  });
});
