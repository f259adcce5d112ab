/**
 * Quote to cash, end to end against the sandbox: a deal moves to closed-won -> one sales order
 * with its lines and total -> finance confirms and invoices it in Odoo -> the invoice is paid ->
 * the deal shows each step, one run of the deals sync after each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowWorld, seededPaidDeals, type FlowWorld, type Row } from '../scenarios/flow-harness.js';

describe('quote to cash: HubSpot deal -> Odoo sales order -> invoice -> paid, back on the deal', () => {
  let w: FlowWorld;
  let dealId = '';
  let orderId = 0;
  let total = 0;
  let invoiceId = 0;

  beforeAll(async () => {
    w = await flowWorld();
  });
  afterAll(() => w.close());

  it('first run: each won deal gets one order, and the orders already paid show on their deals', async () => {
    const paid = await seededPaidDeals(w);
    expect(paid.length).toBeGreaterThan(0); // up to three: the won deals whose company the ERP holds
    const stats = await w.runAll();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    for (const id of paid) {
      const [order] = await w.orders(id);
      expect(await w.deal(id)).toMatchObject({
        tandem_order_number: order?.['name'],
        tandem_order_state: 'sale',
        tandem_invoice_status: 'invoiced',
        tandem_payment_state: 'paid',
        tandem_amount_due: '0.00',
      });
    }
    // Every won deal whose customer is linked has exactly one order.
    for (const id of await w.linkedDeals('closedwon')) expect(await w.orders(id)).toHaveLength(1);
  });

  it('a deal moved to closed-won becomes one draft order with its lines and total, within one run', async () => {
    const [candidate] = await w.linkedDeals('contractsent');
    if (candidate === undefined) throw new Error('the seed has no open deal with a linked company');
    dealId = candidate;
    expect(await w.orders(dealId)).toEqual([]);
    await w.setStage(dealId, 'closedwon');
    const stats = await w.run('deals');
    expect(stats).toMatchObject({ created: { erp: 1 }, failed: 0, deadLettered: 0 });

    const orders = await w.orders(dealId);
    expect(orders).toHaveLength(1);
    const order = orders[0] as Row;
    orderId = Number(order['id']);
    total = Number(order['amount_total']);
    const deal = await w.deal(dealId);
    // The deal's lines, product by product, with HubSpot's quantity, unit price and discount.
    const items = await w.hubspot('POST', '/crm/v4/associations/deals/line_items/batch/read', {
      inputs: [{ id: dealId }],
    });
    const itemIds = ((items['results'] as Row[])[0]?.['to'] as Row[]).map((t) => ({ id: String(t['toObjectId']) }));
    const read = await w.hubspot('POST', '/crm/v3/objects/line_items/batch/read', {
      inputs: itemIds,
      properties: ['hs_sku', 'quantity', 'price', 'hs_discount_percentage', 'amount'],
    });
    const expected = (read['results'] as Row[])
      .map((r) => r['properties'] as Row)
      .map((p) => ({
        sku: p['hs_sku'],
        quantity: Number(p['quantity']),
        price: Number(p['price']),
        discount: Number(p['hs_discount_percentage'] ?? 0),
        subtotal: Number(p['amount']),
      }))
      .sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
    expect(await w.lines(orderId)).toEqual(expected);
    // No taxes in the sandbox: the order's total is the deal's amount, to the cent.
    expect(total.toFixed(2)).toBe(Number(deal['amount']).toFixed(2));
    expect(deal).toMatchObject({
      tandem_order_number: order['name'],
      tandem_order_state: 'draft',
      tandem_invoice_status: 'no',
      tandem_payment_state: 'none',
    });
    expect(await w.run('deals')).toMatchObject({ written: { crm: 0, erp: 0 }, failed: 0 });
  });

  it('confirmed in Odoo: the deal shows the sales order state, within one run', async () => {
    await w.confirm(orderId);
    await w.run('deals');
    expect(await w.deal(dealId)).toMatchObject({ tandem_order_state: 'sale', tandem_invoice_status: 'to invoice' });
  });

  it('invoiced and posted: the deal shows the amount invoiced and due, within one run', async () => {
    [invoiceId = 0] = await w.invoiceAndPost(orderId);
    await w.run('deals');
    expect(await w.deal(dealId)).toMatchObject({
      tandem_invoice_status: 'invoiced',
      tandem_amount_invoiced: total.toFixed(2),
      tandem_amount_paid: '0.00',
      tandem_amount_due: total.toFixed(2),
      tandem_payment_state: 'not_paid',
    });
  });

  it('paid: the deal shows it paid, the amount paid and the day, within one run; nothing is written twice', async () => {
    await w.pay(invoiceId);
    await w.run('deals');
    const deal = await w.deal(dealId);
    expect(deal).toMatchObject({
      tandem_amount_paid: total.toFixed(2),
      tandem_amount_due: '0.00',
      tandem_payment_state: 'paid',
    });
    expect(String(deal['tandem_paid_date'])).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await w.orders(dealId)).toHaveLength(1);
    expect(await w.run('deals')).toMatchObject({ written: { crm: 0, erp: 0 }, conflicts: 0, failed: 0 });
  });
});
