/**
 * Nested collections (`lines:`): a deal's line items -> an order's lines, mapped line by line,
 * compared as a sorted list of tuples, refused when they would flow back to the CRM.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { merge } from '../../../src/pipeline/merge.js';
import { CatalogMemo, PrefetchingResolver } from '../../../src/pipeline/resolver.js';
import { staticResolver } from '../../../src/mapping/resolver.js';
import { StateStore } from '../../../state/index.js';
import { memoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';
import { DEALS, item, mappingIn, record } from './deal-mapping.js';

const catalogs = {
  'erp:product.product:default_code': { 'SKU-A': '11', 'SKU-B': '12' },
  'erp:res.currency:name': { EUR: '1' },
};
const resolver = staticResolver({ links: { companies: { '7': '70' } }, catalogs });
const deal = (lines: unknown[]) =>
  record({ associations: { company: '7' }, deal_currency_code: 'EUR', line_items: lines }, '42');
const lines = [item('501', 'SKU-B', '1', '5'), item('502', 'SKU-A', '2', '19.99', '10')];

describe('lines', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('maps each line and writes the ERP line objects, sorted by key, with numbers', () => {
    const m = mappingIn(dir, DEALS);
    expect(m.fields.find((f) => f.name === 'order_line')).toMatchObject({
      crm: ['line_items'],
      erp: ['order_line'],
      direction: 'crm->erp',
      lines: ['product_id', 'product_uom_qty', 'price_unit', 'discount'],
    });
    expect(m.toErp(deal(lines), resolver)).toEqual({
      ok: true,
      fields: {
        partner_id: 70,
        currency_id: 1,
        order_line: [
          { product_id: 11, product_uom_qty: 2, price_unit: 19.99, discount: 10 },
          { product_id: 12, product_uom_qty: 1, price_unit: 5, discount: 0 },
        ],
        client_order_ref: 'HS-DEAL-42',
      },
    });
    expect(m.crmFields).toContain('line_items');
    expect(m.lookups).toContainEqual({ side: 'erp', object: 'product.product', field: 'default_code' });
  });

  it('gives both sides the same canonical lines whatever their order, so the merge writes nothing', () => {
    const m = mappingIn(dir, DEALS);
    const crm = m.canonical('crm', deal(lines), resolver);
    const reversed = m.canonical('crm', deal([...lines].reverse()), resolver);
    const erp = m.canonical(
      'erp',
      record({
        partner_id: [70, 'Acme'],
        currency_id: [1, 'EUR'],
        order_line: [
          { id: 9, product_id: 12, product_uom_qty: 1, price_unit: 5, discount: 0, name: 'B' },
          { id: 8, product_id: [11, 'A'], product_uom_qty: 2, price_unit: 19.99, discount: 10, name: 'A' },
          // A note line typed in Odoo has no product: not a line the mapping manages.
          { id: 10, product_id: false, product_uom_qty: 0, price_unit: 0, discount: 0, name: 'Deliver by May' },
        ],
      }),
    );
    if (!crm.ok || !reversed.ok || !erp.ok) throw new Error('expected canonical values');
    expect(crm.values['order_line']).toEqual([
      ['11', '2.000', '19.99', '10.00'],
      ['12', '1.000', '5.00', '0.00'],
    ]);
    expect(reversed.values).toEqual(crm.values);
    expect(erp.values['order_line']).toEqual(crm.values['order_line']);
    const at = '2024-01-01T00:00:00.000Z';
    const same = merge({
      fields: m.fields,
      crm: crm.values,
      erp: erp.values,
      base: null,
      crmModifiedAt: at,
      erpModifiedAt: at,
    });
    expect(same.toErp).toEqual({});
    expect(same.settled['order_line']).toEqual(crm.values['order_line']);

    // One quantity changed in HubSpot: the whole list flows to the ERP, encoded as line objects.
    const changed = m.canonical('crm', deal([item('501', 'SKU-B', '3', '5'), lines[1]]), resolver);
    if (!changed.ok) throw new Error('expected canonical values');
    const plan = merge({
      fields: m.fields,
      crm: changed.values,
      erp: erp.values,
      base: erp.values,
      crmModifiedAt: at,
      erpModifiedAt: at,
    });
    expect(Object.keys(plan.toErp)).toEqual(['order_line']);
    expect(m.encode('erp', plan.toErp, resolver)).toMatchObject({
      ok: true,
      fields: { order_line: [{ product_id: 11 }, { product_id: 12, product_uom_qty: 3 }] },
    });
  });

  it('a line whose product is missing fails the record, naming the line and the field', () => {
    const m = mappingIn(dir, DEALS);
    const result = m.toErp(deal([lines[0], item('503', 'NOPE', '1', '1'), item('504', 'SKU-A', 'x', '1')]), resolver);
    expect(result).toEqual({
      ok: false,
      code: 'MAPPING_FAILED',
      field: 'order_line',
      reason: 'order_line: line 2 (id "503"), product_id: erp product.product has no record with default_code "NOPE"',
    });
    const noSku = m.toErp(deal([item('505', null, '1', '1')]), resolver);
    expect(noSku).toMatchObject({
      ok: false,
      reason: 'order_line: line 1 (id "505"), product_id: is required but empty',
    });
  });

  it('asks for every catalog value of every line in one pass, so one prefetch maps the record', async () => {
    const m = mappingIn(dir, DEALS);
    const store = await StateStore.open(path.join(dir, 'state.sqlite'));
    try {
      const erp = memoryConnector('odoo');
      erp.put('1', { name: 'EUR' });
      erp.put('11', { default_code: 'SKU-A' });
      erp.put('12', { default_code: 'SKU-B' });
      const asked: string[] = [];
      const findBy = erp.lookup.findBy.bind(erp.lookup);
      erp.lookup.findBy = (object, field, values, fields) => {
        asked.push(`${object}:${[...values].sort().join(',')}`);
        return findBy(object, field, values, fields);
      };
      const crm = memoryConnector('hubspot');
      const prefetching = new PrefetchingResolver(store, { crm, erp }, new CatalogMemo());
      const noCustomer = record({ deal_currency_code: 'EUR', line_items: lines }, '42');
      const result = await prefetching.prefetch(() => m.toErp(noCustomer, prefetching));
      expect(result).toMatchObject({
        ok: true,
        fields: { partner_id: null, currency_id: 1, order_line: [{ product_id: 11 }, { product_id: 12 }] },
      });
      expect(asked.sort()).toEqual(['product.product:SKU-A,SKU-B', 'res.currency:EUR']);
    } finally {
      await store.close();
    }
  });

  it('refuses lines that would flow to the CRM, and a key that names no line field', () => {
    const refusal = (yaml: string): string => {
      try {
        mappingIn(dir, yaml);
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
        throw error;
      }
      throw new Error('expected the mapping to be refused');
    };
    expect(
      refusal(
        DEALS.replace('    crm: line_items\n    direction: crm->erp', '    crm: line_items\n    direction: both'),
      ),
    ).toMatch(
      /fields\[2\]\.direction: lines flow CRM -> ERP only .*but this field flows both; set direction: crm->erp/,
    );
    expect(
      refusal(
        DEALS.replace('    crm: line_items\n    direction: crm->erp', '    crm: line_items\n    direction: erp->crm'),
      ),
    ).toMatch(/fields\[2\]\.direction: lines flow CRM -> ERP only/);
    expect(refusal(DEALS.replace('    crm: line_items\n    direction: crm->erp\n', '    crm: line_items\n'))).toMatch(
      /fields\[2\]\.lines: lines flow CRM -> ERP only .*flows both/,
    );
    expect(refusal(DEALS.replace('key: product_id', 'key: sku'))).toMatch(
      /fields\[2\]\.lines\.key: key names a line field; have: product_id, product_uom_qty, price_unit, discount/,
    );
    expect(
      refusal(
        DEALS.replace(
          '{ decimal: { scale: 2 } }] }\n        - { crm: discount',
          '{ decimel: { scale: 2 } }] }\n        - { crm: discount',
        ),
      ),
    ).toMatch(/fields\[2\]\.lines\.fields\[2\]\.transform\[0\]: unknown transform "decimel"; did you mean "decimal"\?/);
  });
});
