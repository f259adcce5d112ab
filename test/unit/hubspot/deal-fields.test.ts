/**
 * A deal's virtual fields on HubSpot's wire: never asked for as properties, a deal with more than
 * 500 associations followed through `paging.next.after`, line items read 100 a request, and a
 * per-input association error other than "no associations" failing the page rather than reading
 * as "no line items".
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangePage } from '../../../connectors/types.js';
import { BASE, type SearchBody, connector } from './fixtures.js';

const at = '2026-01-05T10:00:00.000Z';
const deal = (id: string) => ({
  id,
  properties: { hs_object_id: id, hs_lastmodifieddate: at, dealname: `Deal ${id}` },
  createdAt: at,
  updatedAt: at,
  archived: false,
});
const lineItem = (id: number) => ({
  id: String(id),
  properties: { hs_sku: `SKU-${id}`, quantity: '1', price: '9.50', discount: null, name: `Item ${id}` },
  createdAt: at,
  updatedAt: at,
});
const targets = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ toObjectId: from + i, associationTypes: [{ typeId: 19 }] }));

async function read(fields: string[]): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of connector().reader.readChanges('deals', { cursor: null, fields })) pages.push(page);
  return pages;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

describe('HubSpot deal virtual fields on the wire', () => {
  it('follows a deal past 500 line items and reads them 100 a request, without naming them as properties', async () => {
    let searched: SearchBody | undefined;
    const reads: string[][] = [];
    const scope = nock(BASE)
      .post('/crm/v3/objects/deals/search', (body: SearchBody) => {
        searched = body;
        return true;
      })
      .reply(200, { total: 1, results: [deal('7')] })
      .post('/crm/v4/associations/deals/line_items/batch/read', { inputs: [{ id: '7' }] })
      .reply(200, { results: [{ from: { id: '7' }, to: targets(1000, 1500), paging: { next: { after: 'MTUwMA' } } }] })
      .post('/crm/v4/associations/deals/line_items/batch/read', { inputs: [{ id: '7', after: 'MTUwMA' }] })
      .reply(200, { results: [{ from: { id: '7' }, to: targets(1500, 1502) }] })
      .post('/crm/v3/objects/line_items/batch/read', (body: { inputs: { id: string }[]; properties: string[] }) => {
        reads.push(body.inputs.map((i) => i.id));
        return body.properties.includes('hs_product_id');
      })
      .times(6)
      .reply(200, (_uri, body) => ({
        status: 'COMPLETE',
        results: (body as { inputs: { id: string }[] }).inputs.map((i) => lineItem(Number(i.id))),
      }));
    const [page] = await read(['dealname', 'line_items']);
    expect(searched?.properties).not.toContain('line_items');
    expect(reads.map((r) => r.length)).toEqual([100, 100, 100, 100, 100, 2]);
    const lines = page?.records[0]?.fields['line_items'] as { id: string; hs_product_id: string | null }[];
    expect(lines).toHaveLength(502);
    expect(lines[0]).toEqual({
      id: '1000',
      hs_sku: 'SKU-1000',
      quantity: '1',
      price: '9.50',
      discount: null,
      hs_discount_percentage: null,
      name: 'Item 1000',
      hs_product_id: null,
    });
    expect(lines.map((l) => Number(l.id))).toEqual(Array.from({ length: 502 }, (_, i) => 1000 + i));
    expect(scope.isDone()).toBe(true);
  });

  it('reads "no associations" as none, and fails the page on any other per-input error', async () => {
    const noneFound = {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
      message: 'No company is associated with deal 8.',
    };
    nock(BASE)
      .post('/crm/v3/objects/deals/search')
      .reply(200, { total: 2, results: [deal('7'), deal('8')] })
      .post('/crm/v4/associations/deals/companies/batch/read')
      .reply(207, {
        status: 'COMPLETE',
        results: [
          {
            from: { id: '7' },
            to: [
              { toObjectId: 2, associationTypes: [{ typeId: 341 }] },
              { toObjectId: 9, associationTypes: [{ typeId: 5 }, { typeId: 341 }] },
            ],
          },
        ],
        errors: [noneFound],
      });
    const [page] = await read(['associations.company']);
    expect(page?.records.map((r) => r.fields['associations'])).toEqual([{ company: '9' }, { company: null }]);

    nock(BASE)
      .post('/crm/v3/objects/deals/search')
      .reply(200, { total: 1, results: [deal('7')] })
      .post('/crm/v4/associations/deals/line_items/batch/read')
      .reply(207, {
        status: 'COMPLETE',
        results: [],
        errors: [{ category: 'INTERNAL_ERROR', message: 'internal error' }],
      });
    await expect(read(['line_items'])).rejects.toMatchObject({ code: 'INTERNAL_ERROR', retryable: true });
  });
});
