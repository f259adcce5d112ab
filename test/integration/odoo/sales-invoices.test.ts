/**
 * Protocol tests of the invoice and payment path over JSON-RPC, as an RPC client must drive Odoo
 * 17.0: `sale.advance.payment.inv` to invoice a confirmed order, `action_post`, and
 * `account.payment.register` to pay; the refusals on the way; and which `write_date` moves when.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';
import { ok, refused } from './jsonrpc.js';

let sandbox: Sandbox;
let url: string;
let partner: number;

beforeAll(async () => {
  sandbox = await startSandbox();
  url = sandbox.server.url;
  [partner = 0] = await ok<number[]>(url, 'res.partner', 'search', [[['is_company', '=', true]]], { limit: 1 });
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(sandbox.dir);
});

const ORDER_FIELDS = [
  'name',
  'state',
  'invoice_status',
  'invoice_ids',
  'amount_total',
  'amount_invoiced',
  'write_date',
];
const MOVE_FIELDS = [
  'name',
  'move_type',
  'state',
  'payment_state',
  'amount_total',
  'amount_residual',
  'invoice_origin',
  'invoice_date',
  'currency_id',
  'write_date',
];

async function readOne(model: string, id: number, fields: string[]): Promise<Record<string, unknown>> {
  const [record] = await ok<Array<Record<string, unknown>>>(url, model, 'read', [[id]], { fields });
  return record ?? {};
}

async function confirmedOrder(currency?: string): Promise<number> {
  const [productId = 0] = await ok<number[]>(url, 'product.product', 'search', [[['default_code', '=', 'TND-4001']]]);
  const currencyId =
    currency === undefined
      ? undefined
      : (
          await ok<number[]>(url, 'res.currency', 'search', [[['name', '=', currency]]], {
            context: { active_test: false },
          })
        )[0];
  const id = await ok<number>(url, 'sale.order', 'create', [
    {
      partner_id: partner,
      client_order_ref: 'deal-77',
      ...(currencyId === undefined ? {} : { currency_id: currencyId }),
      order_line: [[0, 0, { product_id: productId, product_uom_qty: 3, discount: 10 }]],
    },
  ]);
  await ok(url, 'sale.order', 'action_confirm', [[id]]);
  return id;
}

/** Invoices orders through the wizard, as an RPC client must; answers the invoice ids. */
async function invoice(orderIds: number[]): Promise<number[]> {
  const context = { active_model: 'sale.order', active_ids: orderIds };
  const wizard = await ok<number>(
    url,
    'sale.advance.payment.inv',
    'create',
    [{ advance_payment_method: 'delivered' }],
    {
      context,
    },
  );
  const action = await ok<{ res_id?: number; domain?: [[string, string, number[]]] }>(
    url,
    'sale.advance.payment.inv',
    'create_invoices',
    [[wizard]],
    { context },
  );
  return action.res_id === undefined ? (action.domain?.[0][2] ?? []) : [action.res_id];
}

async function pay(invoiceId: number, vals: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const context = { active_model: 'account.move', active_ids: [invoiceId] };
  const wizard = await ok<number>(url, 'account.payment.register', 'create', [vals], { context });
  return ok(url, 'account.payment.register', 'action_create_payments', [[wizard]], { context });
}

describe('invoice and payment over JSON-RPC', () => {
  it('invoices a confirmed order, posts the invoice and pays it in two parts', async () => {
    const id = await confirmedOrder();
    expect(await readOne('sale.order', id, ['invoice_status'])).toMatchObject({ invoice_status: 'to invoice' });

    const [inv = 0] = await invoice([id]);
    const draft = await readOne('account.move', inv, [...MOVE_FIELDS, 'display_name', 'ref', 'invoice_line_ids']);
    const { name } = await readOne('sale.order', id, ['name']);
    expect(draft).toMatchObject({
      name: '/',
      display_name: 'Draft Invoice (* ' + String(inv) + ') (deal-77)',
      move_type: 'out_invoice',
      state: 'draft',
      payment_state: 'not_paid',
      amount_total: 53.97,
      amount_residual: 53.97,
      invoice_origin: name,
      ref: 'deal-77',
      invoice_date: false,
    });
    const [line] = await ok<Array<Record<string, unknown>>>(
      url,
      'account.move.line',
      'read',
      [draft['invoice_line_ids']],
      {
        fields: ['quantity', 'price_unit', 'discount', 'price_subtotal', 'sale_line_ids'],
      },
    );
    expect(line).toMatchObject({ quantity: 3, price_unit: 19.99, discount: 10, price_subtotal: 53.97 });
    expect(await readOne('sale.order', id, ORDER_FIELDS)).toMatchObject({
      invoice_status: 'invoiced',
      invoice_ids: [inv],
      amount_invoiced: 53.97,
    });

    expect(await ok(url, 'account.move', 'action_post', [[inv]])).toBe(false);
    const posted = await readOne('account.move', inv, MOVE_FIELDS);
    expect(posted['name']).toMatch(/^INV\/\d{4}\/\d{5}$/);
    expect(posted).toMatchObject({ state: 'posted', payment_state: 'not_paid' });
    expect(posted['invoice_date']).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const payment = await pay(inv, { amount: 20 });
    expect(payment).toMatchObject({ type: 'ir.actions.act_window', res_model: 'account.payment', view_mode: 'form' });
    expect(await readOne('account.move', inv, MOVE_FIELDS)).toMatchObject({
      payment_state: 'partial',
      amount_residual: 33.97,
    });
    await pay(inv);
    expect(await readOne('account.move', inv, MOVE_FIELDS)).toMatchObject({
      payment_state: 'paid',
      amount_residual: 0,
    });
    const payments = await ok<Array<Record<string, unknown>>>(
      url,
      'account.payment',
      'search_read',
      [[['reconciled_invoice_ids', 'in', [inv]]]],
      { fields: ['name', 'amount', 'state', 'ref'], order: 'id asc' },
    );
    expect(payments.map((p) => p['amount'])).toEqual([20, 33.97]);
    expect(payments.every((p) => p['state'] === 'posted' && p['ref'] === posted['name'])).toBe(true);

    const nothingLeft = await refused(url, 'account.payment.register', 'create', [{}], {
      context: { active_model: 'account.move', active_ids: [inv] },
    });
    expect(nothingLeft.data.message).toBe(
      "You can't register a payment because there is nothing left to pay on the selected journal items.",
    );
  });

  it('refuses what Odoo refuses on the way: nothing to invoice, paying a draft, posting twice, deleting a posted invoice', async () => {
    const quotation = await ok<number>(url, 'sale.order', 'create', [{ partner_id: partner }]);
    const nothing = await refused(url, 'sale.advance.payment.inv', 'create_invoices', [
      [await ok<number>(url, 'sale.advance.payment.inv', 'create', [{ sale_order_ids: [[6, 0, [quotation]]] }])],
    ]);
    expect(nothing.data.message).toMatch(/^Cannot create an invoice\. No items are available to invoice\./);

    const [inv = 0] = await invoice([await confirmedOrder()]);
    const draftPayment = await refused(url, 'account.payment.register', 'create', [{}], {
      context: { active_model: 'account.move', active_ids: [inv] },
    });
    expect(draftPayment.data.message).toBe('You can only register payment for posted journal entries.');
    await ok(url, 'account.move', 'action_post', [[inv]]);
    const { name } = await readOne('account.move', inv, ['name']);
    const twice = await refused(url, 'account.move', 'action_post', [[inv]]);
    expect(twice.data.message).toBe(`The entry ${String(name)} (id ${inv}) must be in draft.`);
    const deleting = await refused(url, 'account.move', 'unlink', [[inv]]);
    expect(deleting.data.name).toBe('odoo.exceptions.UserError');
    expect(deleting.data.message).toMatch(/^You can't delete a posted journal item\./);
  });

  it('refuses to post an invoice in an inactive currency, and hides that currency from default searches', async () => {
    expect(await ok(url, 'res.currency', 'search_count', [[['name', '=', 'DKK']]])).toBe(0);
    const [inv = 0] = await invoice([await confirmedOrder('DKK')]);
    const error = await refused(url, 'account.move', 'action_post', [[inv]]);
    expect(error.data.message).toBe('You cannot validate a document with an inactive currency: DKK');
  });

  it('cancelling a posted invoice sends the order back to invoice; cancelling the order cancels its draft invoice', async () => {
    const id = await confirmedOrder();
    const [inv = 0] = await invoice([id]);
    await ok(url, 'account.move', 'action_post', [[inv]]);
    await ok(url, 'account.move', 'button_cancel', [[inv]]);
    expect(await readOne('account.move', inv, ['state'])).toEqual({ id: inv, state: 'cancel' });
    expect(await readOne('sale.order', id, ['invoice_status'])).toMatchObject({ invoice_status: 'to invoice' });
    const [second = 0] = await invoice([id]);
    await ok(url, 'sale.order', 'action_cancel', [[id]], { context: { disable_cancel_warning: true } });
    expect(await readOne('account.move', second, ['state'])).toEqual({ id: second, state: 'cancel' });
  });
});

describe('the order <-> invoice relation and the payments widget, as Odoo 17 serves them', () => {
  it('finds orders by invoice_ids with `in` (_search_invoice_ids) and lists reconciled payments on the invoice', async () => {
    const id = await confirmedOrder();
    const [inv = 0] = await invoice([id]);
    expect(await ok(url, 'sale.order', 'search', [[['invoice_ids', 'in', [inv]]]])).toEqual([id]);
    expect(await ok(url, 'sale.order', 'search', [[['invoice_ids', 'in', []]]])).toEqual([]);
    expect((await refused(url, 'sale.order', 'search', [[['invoice_ids', '=', inv]]])).data.name).toBe(
      'builtins.ValueError',
    );
    await ok(url, 'account.move', 'action_post', [[inv]]);
    expect(await readOne('account.move', inv, ['invoice_payments_widget'])).toEqual({
      id: inv,
      invoice_payments_widget: false,
    });
    await pay(inv, { amount: 20, payment_date: '2026-01-15' });
    const { invoice_payments_widget: widget } = await readOne('account.move', inv, ['invoice_payments_widget']);
    expect(widget).toMatchObject({
      title: 'Less Payment',
      outstanding: false,
      content: [{ amount: 20, date: '2026-01-15', is_exchange: false }],
    });
  });
});

describe('consolidated billing', () => {
  it('puts orders of one customer and currency on one invoice by default, and one invoice each without it', async () => {
    const [a, b] = [await confirmedOrder(), await confirmedOrder()];
    const [together = 0, ...rest] = await invoice([a, b]);
    expect(rest).toEqual([]);
    const names = await ok<Array<{ name: string }>>(url, 'sale.order', 'read', [[a, b]], { fields: ['name'] });
    expect(await readOne('account.move', together, MOVE_FIELDS)).toMatchObject({
      invoice_origin: names.map((n) => n.name).join(', '),
      amount_total: 107.94,
    });
    const [c, d] = [await confirmedOrder(), await confirmedOrder()];
    const wizard = await ok<number>(url, 'sale.advance.payment.inv', 'create', [
      { sale_order_ids: [[6, 0, [c, d]]], consolidated_billing: false },
    ]);
    const action = await ok<{ domain: [[string, string, number[]]] }>(
      url,
      'sale.advance.payment.inv',
      'create_invoices',
      [[wizard]],
    );
    expect(action.domain[0][2]).toHaveLength(2);
  });
});

describe('write_date of orders and invoices, for incremental reads', () => {
  it('moves on the invoice when it is paid, not on the order; both are found by write_date', async () => {
    const id = await confirmedOrder();
    const [inv = 0] = await invoice([id]);
    await ok(url, 'account.move', 'action_post', [[inv]]);
    const orderBefore = (await readOne('sale.order', id, ORDER_FIELDS))['write_date'] as string;
    const invoiceBefore = (await readOne('account.move', inv, MOVE_FIELDS))['write_date'] as string;
    // write_date reads to the second: let one pass.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await pay(inv);
    const order = await readOne('sale.order', id, ORDER_FIELDS);
    const move = await readOne('account.move', inv, MOVE_FIELDS);
    expect(order['write_date']).toBe(orderBefore);
    const since = move['write_date'] as string;
    expect(since > invoiceBefore).toBe(true);
    expect(move['payment_state']).toBe('paid');
    // An incremental read from the payment's second on finds the invoice and not the order.
    const changedMoves = await ok<number[]>(url, 'account.move', 'search', [[['write_date', '>=', since]]]);
    const changedOrders = await ok<number[]>(url, 'sale.order', 'search', [[['write_date', '>=', since]]]);
    expect(changedMoves).toContain(inv);
    expect(changedOrders).not.toContain(id);
  });
});

describe('the seeded sales', () => {
  it('has the TND catalogue and orders in every stage, some paid in full', async () => {
    const skus = await ok<Array<{ default_code: string }>>(
      url,
      'product.product',
      'search_read',
      [[['default_code', '=like', 'TND-%']]],
      {
        fields: ['default_code'],
      },
    );
    expect(skus.map((p) => p.default_code).slice(0, 3)).toEqual(['TND-1001', 'TND-1002', 'TND-1003']);
    const states = await ok<Array<Record<string, unknown>>>(
      url,
      'sale.order',
      'search_read',
      [[['create_date', '<', '2025-01-01']]],
      {
        fields: ['state', 'invoice_status'],
      },
    );
    expect(new Set(states.map((s) => s['state']))).toEqual(new Set(['draft', 'sale', 'cancel']));
    const paid = await ok<number>(url, 'account.move', 'search_count', [
      [
        ['payment_state', '=', 'paid'],
        ['create_date', '<', '2025-01-01'],
      ],
    ]);
    expect(paid).toBeGreaterThanOrEqual(3);
  });
});
