/**
 * A deal's currency code -> the order's pricelist: a `res.currency` lookup by `name` chained into a
 * `product.pricelist` lookup by its many2one `currency_id` (Odoo 17 takes an order's currency from
 * its pricelist). Both directions, through a static resolver and through the pipeline's
 * prefetching resolver over an Odoo-shaped catalog (many2one values as `[id, "name"]`).
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../connectors/types.js';
import { staticResolver } from '../../../src/mapping/resolver.js';
import { CatalogMemo, catalogKey, PrefetchingResolver } from '../../../src/pipeline/resolver.js';
import { StateStore } from '../../../state/index.js';
import { memoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';
import { mappingIn, PRICELIST_MAPPING, record } from './deal-mapping.js';

const catalogs = {
  'erp:res.currency:name': { EUR: '1', USD: '2' },
  'erp:product.pricelist:currency_id': { '1': '10', '2': '11' },
};

/** Catalog rows as Odoo's connector reads them: many2one values as `[id, display_name]`. */
const row = (id: string, fields: Record<string, unknown>, deleted = false): SourceRecord => ({
  id,
  modifiedAt: '2024-01-01T00:00:00.000Z',
  deleted,
  fields,
});
const CURRENCIES = [row('1', { name: 'EUR' }), row('2', { name: 'USD' }), row('3', { name: 'GBP' })];
const PRICELISTS = [
  row('9', { currency_id: [2, 'USD'], name: 'Old USD' }, true),
  row('10', { currency_id: [1, 'EUR'], name: 'Public Pricelist' }),
  row('11', { currency_id: [2, 'USD'], name: 'USD Customers' }),
  row('12', { currency_id: [2, 'USD'], name: 'USD Wholesale' }),
  row('13', { currency_id: [3, 'GBP'], name: 'UK Customers' }),
];

describe('a pricelist from a currency code: chained catalog lookups', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('maps the code to the pricelist id, reads the pricelist id as canonical, and maps it back to the code', () => {
    const m = mappingIn(dir, PRICELIST_MAPPING);
    const resolver = staticResolver({ catalogs });
    expect(m.toErp(record({ deal_currency_code: 'USD' }), resolver)).toMatchObject({
      ok: true,
      fields: { pricelist_id: 11 },
    });
    const order = record({ pricelist_id: [11, 'USD Customers (USD)'], client_order_ref: 'HS-DEAL-1' }, '7');
    expect(m.canonical('erp', order, resolver)).toEqual({ ok: true, values: { pricelist_id: '11' } });
    expect(m.toCrm(order, resolver)).toMatchObject({ ok: true, fields: { deal_currency_code: 'USD' } });
    expect(m.toCrm(record({ pricelist_id: false }, '8'), resolver)).toMatchObject({
      ok: true,
      fields: { deal_currency_code: null },
    });
    expect(m.toErp(record({ deal_currency_code: 'GBP' }), resolver)).toMatchObject({
      ok: false,
      code: 'MAPPING_FAILED',
      reason: 'pricelist_id: erp res.currency has no record with name "GBP"',
    });
  });

  it('leaves a deal without a code without a pricelist, unless the chain starts with a default code', () => {
    const resolver = staticResolver({ catalogs });
    const blank = record({ deal_currency_code: null });
    expect(mappingIn(dir, PRICELIST_MAPPING).toErp(blank, resolver)).toMatchObject({
      ok: true,
      fields: { pricelist_id: null },
    });
    const withDefault = PRICELIST_MAPPING.replace(
      '      - { lookup: { object: res.currency',
      '      - { default: EUR }\n      - { lookup: { object: res.currency',
    );
    expect(mappingIn(dir, withDefault, 'default.yaml').toErp(blank, resolver)).toMatchObject({
      ok: true,
      fields: { pricelist_id: 10 },
    });
  });

  it('reads a many2one as its id when it is the key of a catalog lookup', () => {
    expect(catalogKey([2, 'USD'])).toBe('2');
    expect(catalogKey(false)).toBeNull();
    expect(catalogKey('USD')).toBe('USD');
    expect(catalogKey(5)).toBe('5');
    expect(catalogKey({ nested: true })).toBeNull();
  });

  it('prefetches the chain one link per round, keys many2one values by id, prefers an active pricelist', async () => {
    const m = mappingIn(dir, PRICELIST_MAPPING);
    const store = await StateStore.open(path.join(dir, 'state.sqlite'));
    try {
      const erp = memoryConnector('odoo');
      const asked: string[] = [];
      // Odoo's `search_read` with (field, 'in', values): a many2one compares by id.
      erp.lookup.findBy = async (object, field, values, extra = []) => {
        asked.push(
          `${object}.${field}:${[...values].sort().join(',')}${extra.length > 0 ? `+${extra.join(',')}` : ''}`,
        );
        const rows = object === 'res.currency' ? CURRENCIES : PRICELISTS;
        return rows.filter((r) => values.includes(field === 'id' ? r.id : (catalogKey(r.fields[field]) ?? '')));
      };
      const prefetching = new PrefetchingResolver(store, { crm: memoryConnector('hubspot'), erp }, new CatalogMemo());
      const deals = [record({ deal_currency_code: 'USD' }, '1'), record({ deal_currency_code: 'EUR' }, '2')];
      const mapped = await prefetching.prefetch(() => deals.map((d) => m.toErp(d, prefetching)));
      // Pricelist 9 (archived) is older than 11, and 12 is a second active one: the first active wins.
      expect(mapped).toMatchObject([
        { ok: true, fields: { pricelist_id: 11 } },
        { ok: true, fields: { pricelist_id: 10 } },
      ]);
      expect(asked).toEqual(['res.currency.name:EUR,USD', 'product.pricelist.currency_id:1,2']);

      asked.length = 0;
      const orders = [
        record({ pricelist_id: [12, 'USD Wholesale (USD)'] }, '7'),
        record({ pricelist_id: [13, 'UK Customers (GBP)'] }, '8'),
      ];
      const back = await prefetching.prefetch(() => orders.map((o) => m.toCrm(o, prefetching)));
      expect(back).toMatchObject([
        { ok: true, fields: { deal_currency_code: 'USD' } },
        { ok: true, fields: { deal_currency_code: 'GBP' } },
      ]);
      // Pricelist 12 and currency 2 were read going forward; 13 and its currency take a round each.
      expect(asked).toEqual(['product.pricelist.id:13+currency_id', 'res.currency.id:3+name']);
    } finally {
      await store.close();
    }
  });
});
