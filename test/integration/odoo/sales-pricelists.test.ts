/**
 * Protocol tests of the sandbox's pricelists over JSON-RPC, against Odoo 17.0's behaviour
 * (sale_order.py `_compute_pricelist_id`, `_compute_currency_id`): an order's currency comes from
 * its pricelist; writing the pricelist recomputes it; a customer change resets a quotation's
 * pricelist unless the same write gives one; `currency_id` written alone is stored as given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';
import { ok } from './jsonrpc.js';

let sandbox: Sandbox;
let url: string;
let partners: number[];
let product: number;
const pricelist = new Map<string, number>();
const currency = new Map<string, number>();

beforeAll(async () => {
  sandbox = await startSandbox();
  url = sandbox.server.url;
  partners = await ok<number[]>(url, 'res.partner', 'search', [[['is_company', '=', true]]], { limit: 2 });
  [product = 0] = await ok<number[]>(url, 'product.product', 'search', [[['default_code', '=', 'TND-4001']]]);
  const lists = await ok<Array<{ id: number; currency_id: [number, string] }>>(
    url,
    'product.pricelist',
    'search_read',
    [[]],
    { fields: ['currency_id'] },
  );
  for (const p of lists) {
    pricelist.set(p.currency_id[1], p.id);
    currency.set(p.currency_id[1], p.currency_id[0]);
  }
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(sandbox.dir);
});

const read = async (id: number): Promise<Record<string, unknown>> =>
  (
    await ok<Array<Record<string, unknown>>>(url, 'sale.order', 'read', [[id]], {
      fields: ['pricelist_id', 'currency_id', 'amount_total'],
    })
  )[0] ?? {};

const create = (vals: Record<string, unknown> = {}): Promise<number> =>
  ok<number>(url, 'sale.order', 'create', [
    { partner_id: partners[0], order_line: [[0, 0, { product_id: product, product_uom_qty: 1 }]], ...vals },
  ]);

describe('product.pricelist in the sandbox', () => {
  it('is seeded with one pricelist per currency, in sequence order, named "Name (CUR)"', async () => {
    const lists = await ok<Array<Record<string, unknown>>>(url, 'product.pricelist', 'search_read', [[]], {
      fields: ['name', 'display_name', 'currency_id', 'company_id', 'sequence', 'active'],
    });
    expect(lists.map((p) => [p['display_name'], (p['currency_id'] as [number, string])[1], p['active']])).toEqual([
      ['Public Pricelist (EUR)', 'EUR', true],
      ['USD Customers (USD)', 'USD', true],
      ['UK Customers (GBP)', 'GBP', true],
    ]);
    expect(lists.every((p) => Array.isArray(p['company_id']) && (p['company_id'] as unknown[])[0] === 1)).toBe(true);
    const fields = await ok<Record<string, Record<string, unknown>>>(url, 'sale.order', 'fields_get', [], {
      attributes: ['type', 'relation', 'readonly'],
    });
    expect(fields['pricelist_id']).toEqual({ type: 'many2one', relation: 'product.pricelist', readonly: false });
    expect(fields['currency_id']).toEqual({ type: 'many2one', relation: 'res.currency', readonly: true });
  });

  it('finds pricelists by currency id, as a lookup by a many2one field asks', async () => {
    const found = await ok<Array<Record<string, unknown>>>(
      url,
      'product.pricelist',
      'search_read',
      [[['currency_id', 'in', [currency.get('USD')]]]],
      {
        fields: ['currency_id', 'display_name', 'write_date', 'active'],
        order: 'id asc',
        context: { active_test: false },
      },
    );
    expect(found.map((p) => p['id'])).toEqual([pricelist.get('USD')]);
    expect(found[0]?.['currency_id']).toEqual([currency.get('USD'), 'USD']);
  });

  // Runs before the tests below create orders: every order here is a seeded one.
  it('seeds orders in the pricelist of their currency', async () => {
    const orders = await ok<Array<{ pricelist_id: [number, string] | false; currency_id: [number, string] }>>(
      url,
      'sale.order',
      'search_read',
      [[]],
      { fields: ['pricelist_id', 'currency_id'] },
    );
    expect(orders.length).toBeGreaterThan(0);
    for (const order of orders) expect(order.pricelist_id).not.toBe(false);
    expect(orders.map((o) => (o.pricelist_id === false ? '' : o.pricelist_id[1]).slice(-4, -1))).toEqual(
      orders.map((o) => o.currency_id[1]),
    );
    expect(new Set(orders.map((o) => o.currency_id[1])).size).toBeGreaterThan(1);
  });
});

describe('sale.order currency from its pricelist', () => {
  it('gives a new order the company’s first pricelist and its currency', async () => {
    const order = await read(await create());
    expect(order['pricelist_id']).toEqual([pricelist.get('EUR'), 'Public Pricelist (EUR)']);
    expect(order['currency_id']).toEqual([currency.get('EUR'), 'EUR']);
  });

  it('takes the currency of the pricelist given, and prices lines in it (19.99 EUR at 1.08 is 21.59 USD)', async () => {
    const order = await read(await create({ pricelist_id: pricelist.get('USD') }));
    expect(order['currency_id']).toEqual([currency.get('USD'), 'USD']);
    expect(order['amount_total']).toBe(21.59);
  });

  it('recomputes the currency when the pricelist is written, even against a currency in the same write', async () => {
    const id = await create({ pricelist_id: pricelist.get('USD') });
    await ok(url, 'sale.order', 'write', [
      [id],
      { pricelist_id: pricelist.get('GBP'), currency_id: currency.get('EUR') },
    ]);
    const order = await read(id);
    expect(order['pricelist_id']).toEqual([pricelist.get('GBP'), 'UK Customers (GBP)']);
    expect(order['currency_id']).toEqual([currency.get('GBP'), 'GBP']);
    // "If you change the pricelist, only newly added lines will be affected": the price stays.
    expect(order['amount_total']).toBe(21.59);
    const lines = await ok<Array<Record<string, unknown>>>(
      url,
      'sale.order.line',
      'search_read',
      [[['order_id', '=', id]]],
      {
        fields: ['currency_id'],
      },
    );
    expect(lines.map((l) => l['currency_id'])).toEqual([[currency.get('GBP'), 'GBP']]);
  });

  it('resets a quotation’s pricelist when its customer changes, unless the same write gives one', async () => {
    const id = await create({ pricelist_id: pricelist.get('USD') });
    await ok(url, 'sale.order', 'write', [[id], { partner_id: partners[1], pricelist_id: pricelist.get('USD') }]);
    expect((await read(id))['currency_id']).toEqual([currency.get('USD'), 'USD']);
    await ok(url, 'sale.order', 'write', [[id], { partner_id: partners[0] }]);
    expect((await read(id))['pricelist_id']).toEqual([pricelist.get('EUR'), 'Public Pricelist (EUR)']);
    expect((await read(id))['currency_id']).toEqual([currency.get('EUR'), 'EUR']);
    // A confirmed order keeps its pricelist (_compute_pricelist_id skips orders that are not drafts).
    const confirmed = await create({ pricelist_id: pricelist.get('USD') });
    await ok(url, 'sale.order', 'action_confirm', [[confirmed]]);
    await ok(url, 'sale.order', 'write', [[confirmed], { partner_id: partners[1] }]);
    expect((await read(confirmed))['pricelist_id']).toEqual([pricelist.get('USD'), 'USD Customers (USD)']);
  });

  it('stores a currency_id written alone and leaves the pricelist as it was (Odoo does not refuse it)', async () => {
    const id = await create();
    await ok(url, 'sale.order', 'write', [[id], { currency_id: currency.get('USD') }]);
    const order = await read(id);
    expect(order['currency_id']).toEqual([currency.get('USD'), 'USD']);
    expect(order['pricelist_id']).toEqual([pricelist.get('EUR'), 'Public Pricelist (EUR)']);
    const rate = await ok<Array<{ currency_id: [number, string] }>>(url, 'product.pricelist', 'read', [
      [pricelist.get('EUR')],
      ['currency_id'],
    ]);
    expect(rate[0]?.currency_id[1]).toBe('EUR');
  });
});
