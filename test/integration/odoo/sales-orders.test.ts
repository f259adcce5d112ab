/**
 * Protocol tests of the sandbox's sale.order over JSON-RPC, against Odoo 17.0's behaviour:
 * x2many commands on `order_line`, amounts exact to the cent as the currency rounds, and the
 * refusals (with Odoo's error envelope) around confirmed, locked and cancelled orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';
import { ok, refused } from './jsonrpc.js';

let sandbox: Sandbox;
let url: string;
let partner: number;
const product = new Map<string, number>();

beforeAll(async () => {
  sandbox = await startSandbox();
  url = sandbox.server.url;
  [partner = 0] = await ok<number[]>(url, 'res.partner', 'search', [[['is_company', '=', true]]], { limit: 1 });
  const products = await ok<Array<{ id: number; default_code: string }>>(url, 'product.product', 'search_read', [[]], {
    fields: ['default_code'],
  });
  for (const p of products) product.set(p.default_code, p.id);
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(sandbox.dir);
});

const sku = (code: string): number => product.get(code) ?? 0;

async function order(id: number): Promise<Record<string, unknown>> {
  const [record] = await ok<Array<Record<string, unknown>>>(url, 'sale.order', 'read', [[id]], {
    fields: ['name', 'state', 'order_line', 'amount_untaxed', 'amount_tax', 'amount_total', 'invoice_status', 'locked'],
  });
  return record ?? {};
}

async function lines(orderId: number): Promise<Array<Record<string, unknown>>> {
  return ok(url, 'sale.order.line', 'search_read', [[['order_id', '=', orderId]]], {
    fields: ['product_id', 'product_uom_qty', 'price_unit', 'discount', 'price_subtotal', 'price_total', 'name'],
  });
}

const newOrder = (orderLine: unknown[], extra: Record<string, unknown> = {}): Promise<number> =>
  ok<number>(url, 'sale.order', 'create', [{ partner_id: partner, order_line: orderLine, ...extra }]);

describe('sale.order over JSON-RPC: x2many commands on order_line', () => {
  it('creates, updates, deletes, links, clears and sets lines, in list form and as bare ids', async () => {
    const a = await newOrder([
      [0, 0, { product_id: sku('TND-4001'), product_uom_qty: 2 }],
      [0, 'virtual_7', { product_id: sku('TND-4002'), product_uom_qty: 5 }],
    ]);
    const [first = 0, second = 0] = (await order(a))['order_line'] as number[];
    expect((await lines(a)).map((l) => l['product_uom_qty'])).toEqual([2, 5]);

    await ok(url, 'sale.order', 'write', [
      [a],
      {
        order_line: [
          [1, first, { product_uom_qty: 4 }],
          [2, second],
        ],
      },
    ]);
    expect((await lines(a)).map((l) => [l['id'], l['product_uom_qty']])).toEqual([[first, 4]]);

    const b = await newOrder([[0, 0, { product_id: sku('TND-1001') }]]);
    const [moved = 0] = (await order(b))['order_line'] as number[];
    await ok(url, 'sale.order', 'write', [[a], { order_line: [[4, moved]] }]);
    expect((await order(a))['order_line']).toEqual([first, moved]);
    expect((await order(b))['order_line']).toEqual([]);

    await ok(url, 'sale.order', 'write', [[a], { order_line: [[3, moved]] }]);
    expect((await order(a))['order_line']).toEqual([first]);
    // [3, id] on a one2many whose inverse cascades deletes the line, as One2many.write_real does.
    expect(await ok(url, 'sale.order.line', 'search_count', [[['id', '=', moved]]])).toBe(0);

    const c = await newOrder([[0, 0, { product_id: sku('TND-2001') }]]);
    const [other = 0] = (await order(c))['order_line'] as number[];
    await ok(url, 'sale.order', 'write', [[a], { order_line: [[6, 0, [other]]] }]);
    expect((await order(a))['order_line']).toEqual([other]);
    expect(await ok(url, 'sale.order.line', 'search_count', [[['id', '=', first]]])).toBe(0);
    // A bare list of ids is a set; an empty command list changes nothing.
    await ok(url, 'sale.order', 'write', [[a], { order_line: [other] }]);
    await ok(url, 'sale.order', 'write', [[a], { order_line: [] }]);
    expect((await order(a))['order_line']).toEqual([other]);

    await ok(url, 'sale.order', 'write', [
      [a],
      {
        order_line: [
          [5, 0, 0],
          [0, 0, { product_id: sku('TND-2002') }],
        ],
      },
    ]);
    expect((await lines(a)).map((l) => (l['product_id'] as [number, string])[0])).toEqual([sku('TND-2002')]);

    await ok(url, 'sale.order', 'write', [[a], { order_line: [[5]] }]);
    expect((await order(a))['order_line']).toEqual([]);
  });

  it('answers a malformed command with the ValueError Odoo raises', async () => {
    const error = await refused(url, 'sale.order', 'create', [{ partner_id: partner, order_line: [[9, 0, 0]] }]);
    expect(error.data.name).toBe('builtins.ValueError');
    expect(error.data.message).toBe('Wrong value for sale.order.order_line: [9, 0, 0]');
  });
});

describe('sale.order amounts', () => {
  it('are exact to the cent: 3 × 19.99 with 10% off is 53.97, and sums never drift', async () => {
    const id = await newOrder([
      [0, 0, { product_id: sku('TND-4001'), product_uom_qty: 3, discount: 10 }],
      [0, 0, { product_id: sku('TND-4002'), product_uom_qty: 3, price_unit: 0.1 }],
      [0, 0, { product_id: sku('TND-4002'), product_uom_qty: 7 }],
      [0, 0, { product_id: sku('TND-1003'), product_uom_qty: 3, discount: 12.5 }],
    ]);
    const got = await lines(id);
    expect(got.map((l) => l['price_unit'])).toEqual([19.99, 0.1, 12.75, 34.9]);
    expect(got.map((l) => l['price_subtotal'])).toEqual([53.97, 0.3, 89.25, 91.61]);
    expect(got.map((l) => l['price_total'])).toEqual([53.97, 0.3, 89.25, 91.61]);
    expect(got[0]?.['name']).toBe('[TND-4001] Spare Battery Pack');
    const amounts = await order(id);
    expect([amounts['amount_untaxed'], amounts['amount_tax'], amounts['amount_total']]).toEqual([235.13, 0, 235.13]);
  });

  it('round as the order currency rounds: a price in yen is converted and rounded to whole yen', async () => {
    const [jpy = 0] = await ok<number[]>(url, 'res.currency', 'search', [[['name', '=', 'JPY']]]);
    // The order's currency comes from its pricelist (Odoo 17's _compute_currency_id).
    const yen = await ok<number>(url, 'product.pricelist', 'create', [{ name: 'Japan', currency_id: jpy }]);
    const id = await newOrder([[0, 0, { product_id: sku('TND-4001'), product_uom_qty: 3, discount: 10 }]], {
      pricelist_id: yen,
    });
    // 19.99 EUR at 162 JPY/EUR is 3238.38, rounded by the yen's rounding (1) to 3238; 3 × 3238 × 0.9 = 8742.6 -> 8743.
    expect((await lines(id)).map((l) => [l['price_unit'], l['price_subtotal']])).toEqual([[3238, 8743]]);
    expect((await order(id))['amount_total']).toBe(8743);
  });
});

describe('sale.order refusals, as Odoo 17 refuses', () => {
  it('refuses to confirm a cancelled order, naming the orders, in Odoo’s UserError envelope', async () => {
    const id = await newOrder([[0, 0, { product_id: sku('TND-2001') }]]);
    expect(await ok(url, 'sale.order', 'action_cancel', [[id]])).toBe(true);
    const error = await refused(url, 'sale.order', 'action_confirm', [[id]]);
    expect(error.code).toBe(200);
    expect(error.message).toBe('Odoo Server Error');
    expect(error.data.name).toBe('odoo.exceptions.UserError');
    const { name } = await order(id);
    expect(error.data.message).toBe(`The following orders are not in a state requiring confirmation: ${String(name)}`);
    expect(error.data.arguments).toEqual([error.data.message]);
  });

  it('refuses to delete a confirmed order or one of its lines; edits of an unlocked confirmed order go through', async () => {
    const id = await newOrder([[0, 0, { product_id: sku('TND-2001') }]]);
    expect(await ok(url, 'sale.order', 'action_confirm', [[id]])).toBe(true);
    expect((await order(id))['state']).toBe('sale');
    const deleting = await refused(url, 'sale.order', 'unlink', [[id]]);
    expect(deleting.data.message).toBe(
      'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.',
    );
    const [line = 0] = (await order(id))['order_line'] as number[];
    const removing = await refused(url, 'sale.order', 'write', [[id], { order_line: [[2, line]] }]);
    expect(removing.data.name).toBe('odoo.exceptions.UserError');
    expect(removing.data.message).toMatch(/^Once a sales order is confirmed, you can't remove one of its lines/);
    expect((await order(id))['order_line']).toEqual([line]);
    await ok(url, 'sale.order', 'write', [[id], { order_line: [[1, line, { product_uom_qty: 2 }]] }]);
    expect((await order(id))['amount_total']).toBe(2400);
  });

  it('refuses to delete a partner its orders point at, as Odoo words a foreign-key violation, and keeps it', async () => {
    const [customer = 0] = await ok<number[]>(url, 'res.partner', 'create', [
      [{ name: 'Ordering Customer GmbH', is_company: true }],
    ]);
    await ok<number>(url, 'sale.order', 'create', [{ partner_id: customer, order_line: [] }]);
    const error = await refused(url, 'res.partner', 'unlink', [[customer]]);
    expect(error.data.name).toBe('odoo.exceptions.ValidationError');
    expect(error.data.message).toBe(
      'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
        'Model: Sales Order (sale.order)\nConstraint: sale_order_partner_id_fkey\n',
    );
    expect(await ok<number>(url, 'res.partner', 'search_count', [[['id', '=', customer]]])).toBe(1);
  });

  it('refuses line edits of a locked order and cancelling it, naming the protected fields', async () => {
    const id = await newOrder([[0, 0, { product_id: sku('TND-3001') }]]);
    await ok(url, 'sale.order', 'action_confirm', [[id]]);
    await ok(url, 'sale.order', 'action_lock', [[id]]);
    const [line = 0] = (await order(id))['order_line'] as number[];
    const editing = await refused(url, 'sale.order', 'write', [
      [id],
      { order_line: [[1, line, { product_uom_qty: 5, price_unit: 1 }]] },
    ]);
    expect(editing.data.message).toBe(
      'It is forbidden to modify the following fields in a locked order:\nUnit Price\nQuantity',
    );
    const cancelling = await refused(url, 'sale.order', 'action_cancel', [[id]]);
    expect(cancelling.data.message).toBe('You cannot cancel a locked order. Please unlock it first.');
    expect((await order(id))['amount_total']).toBe(950);
  });

  it('answers the cancel wizard for a confirmed order unless the context disables it, as a web client would see', async () => {
    const id = await newOrder([[0, 0, { product_id: sku('TND-3001') }]]);
    await ok(url, 'sale.order', 'action_confirm', [[id]]);
    const action = await ok<Record<string, unknown>>(url, 'sale.order', 'action_cancel', [[id]]);
    expect(action).toMatchObject({ type: 'ir.actions.act_window', res_model: 'sale.order.cancel', target: 'new' });
    expect((await order(id))['state']).toBe('sale');
    expect(await ok(url, 'sale.order', 'action_cancel', [[id]], { context: { disable_cancel_warning: true } })).toBe(
      true,
    );
    expect((await order(id))['state']).toBe('cancel');
    expect(await ok(url, 'sale.order', 'action_draft', [[id]])).toBe(true);
    expect((await order(id))['state']).toBe('draft');
    expect(await ok(url, 'sale.order', 'unlink', [[id]])).toBe(true);
  });

  it('requires a customer and a product on every line, in the ValidationError wording of the SQL constraints', async () => {
    const noCustomer = await refused(url, 'sale.order', 'create', [{ client_order_ref: 'x' }]);
    expect(noCustomer.data.name).toBe('odoo.exceptions.ValidationError');
    expect(noCustomer.data.message).toContain('Model: Sales Order (sale.order)\nField: Customer (partner_id)');
    const noProduct = await refused(url, 'sale.order', 'create', [
      { partner_id: partner, order_line: [[0, 0, { name: 'free text', price_unit: 3 }]] },
    ]);
    expect(noProduct.data.message).toBe(
      'The operation cannot be completed: Missing required fields on accountable sale order line.',
    );
    expect(await ok(url, 'sale.order', 'search_count', [[['client_order_ref', '=', 'x']]])).toBe(0);
  });
});

describe('sale.order in search_read, read and fields_get, as partners are', () => {
  it('searches by state, amount, a dotted path and the customer reference, and describes its fields', async () => {
    const id = await newOrder([[0, 0, { product_id: sku('TND-1002'), product_uom_qty: 2 }]], {
      client_order_ref: 'deal-4242',
    });
    const found = await ok<Array<Record<string, unknown>>>(
      url,
      'sale.order',
      'search_read',
      [
        [
          ['client_order_ref', '=', 'deal-4242'],
          ['state', '=', 'draft'],
          ['amount_total', '>', 798.99],
          ['partner_id.is_company', '=', true],
        ],
      ],
      { fields: ['name', 'partner_id', 'currency_id', 'amount_total', 'invoice_status'] },
    );
    expect(found).toEqual([
      {
        id,
        name: expect.stringMatching(/^S\d{5}$/) as unknown,
        partner_id: [partner, expect.any(String) as unknown],
        currency_id: [1, 'EUR'],
        amount_total: 799,
        invoice_status: 'no',
      },
    ]);
    const byLine = await ok<number[]>(url, 'sale.order.line', 'search', [
      [['product_id.default_code', '=', 'TND-1002']],
    ]);
    expect(byLine.length).toBeGreaterThan(0);
    const fields = await ok<Record<string, Record<string, unknown>>>(url, 'sale.order', 'fields_get', [], {
      attributes: ['type', 'selection', 'relation', 'store'],
    });
    expect(fields['amount_total']).toEqual({ type: 'monetary', store: true });
    expect(fields['order_line']).toEqual({ type: 'one2many', relation: 'sale.order.line', store: false });
    expect(fields['state']?.['selection']).toEqual([
      ['draft', 'Quotation'],
      ['sent', 'Quotation Sent'],
      ['sale', 'Sales Order'],
      ['cancel', 'Cancelled'],
    ]);
    const bad = await refused(url, 'sale.order', 'write', [[id], { state: 'done' }]);
    expect(bad.data.message).toBe("Wrong value for sale.order.state: 'done'");
  });
});
