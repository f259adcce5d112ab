/**
 * The Odoo connector reading `sale.order` against the sandbox: lines and invoice aggregates, an
 * order found again when only its invoice changed (payment), and seconds with more than a page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangePage, Connector, Cursor, SourceRecord } from '../../../connectors/types.js';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';
import { ok } from './jsonrpc.js';
import { aCustomer, invoiceAndPost, nextSecond, pay, productId, recordingConnector, type SentCall } from './orders.js';

let sandbox: Sandbox;
let url: string;
let connector: Connector;
const sent: SentCall[] = [];
let customer: number;
let [a, b] = [0, 0];

beforeAll(async () => {
  sandbox = await startSandbox();
  url = sandbox.server.url;
  connector = recordingConnector(url, sent);
  customer = await aCustomer(url);
  [a, b] = [await productId(url, 'TND-4001'), await productId(url, 'TND-1001')];
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(sandbox.dir);
});

const FIELDS = ['name', 'state', 'client_order_ref', 'amount_total', 'order_line', 'invoices'];

async function readAll(cursor: Cursor | null, pageSize = 100, fields = FIELDS): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of connector.reader.readChanges('sale.order', { cursor, fields, pageSize })) pages.push(page);
  return pages;
}

const lastCursor = (pages: readonly ChangePage[], before: Cursor | null): Cursor | null =>
  pages[pages.length - 1]?.cursor ?? before;

async function confirmedOrder(ref: string): Promise<number> {
  const id = await ok<number>(url, 'sale.order', 'create', [
    {
      partner_id: customer,
      client_order_ref: ref,
      order_line: [
        [0, 0, { product_id: a, product_uom_qty: 3, discount: 10 }],
        [0, 0, { product_id: b, product_uom_qty: 1, price_unit: 100, sequence: 5 }],
      ],
    },
  ]);
  await ok(url, 'sale.order', 'action_confirm', [[id]]);
  return id;
}

const find = (pages: readonly ChangePage[], id: number): SourceRecord | undefined =>
  pages.flatMap((p) => p.records).find((r) => r.id === String(id));

describe('reading sale.order with lines and invoice aggregates', () => {
  it('gives lines as plain objects in (sequence, id) order and aggregates over posted invoices', async () => {
    const id = await confirmedOrder('HS-DEAL-R1');
    const before = await readAll(null);
    const draftRead = find(before, id);
    expect(draftRead?.fields['order_line']).toEqual([
      expect.objectContaining({ product_id: b, product_uom_qty: 1, price_unit: 100, discount: 0 }),
      expect.objectContaining({ product_id: a, product_uom_qty: 3, price_unit: 19.99, discount: 10 }),
    ]);
    const [line] = draftRead?.fields['order_line'] as Array<Record<string, unknown>>;
    expect(Object.keys(line ?? {}).sort()).toEqual([
      'discount',
      'id',
      'name',
      'price_unit',
      'product_id',
      'product_uom_qty',
    ]);
    expect(draftRead?.fields['invoices']).toEqual({
      amount_invoiced: 0,
      amount_paid: 0,
      amount_due: 0,
      payment_state: 'none',
      paid_date: null,
      names: '',
    });

    const invoice = await invoiceAndPost(url, id);
    await pay(url, invoice, 50);
    const [record] = await connector.lookup.findBy('sale.order', 'client_order_ref', ['HS-DEAL-R1'], FIELDS);
    const { name } = (
      await ok<Array<{ name: string }>>(url, 'account.move', 'read', [[invoice]], { fields: ['name'] })
    )[0] ?? {
      name: '',
    };
    expect(record?.fields['invoices']).toEqual({
      amount_invoiced: 153.97,
      amount_paid: 50,
      amount_due: 103.97,
      payment_state: 'partial',
      paid_date: null,
      names: name,
    });
    expect(record?.fields['state']).toBe('sale');
  });
});

describe('change detection through invoices', () => {
  it('yields an order again when its invoice is paid after the order was last written, with the new aggregates', async () => {
    const id = await confirmedOrder('HS-DEAL-R2');
    const invoice = await invoiceAndPost(url, id);
    const first = await readAll(null);
    const cursor = lastCursor(first, null);
    expect(find(first, id)?.fields['invoices']).toMatchObject({ payment_state: 'not_paid', amount_due: 153.97 });
    const orderWritten = (
      await ok<Array<{ write_date: string }>>(url, 'sale.order', 'read', [[id]], { fields: ['write_date'] })
    )[0];

    await nextSecond();
    sent.length = 0;
    await pay(url, invoice);
    const next = await readAll(cursor);
    const again = find(next, id);
    const moved = (
      await ok<Array<{ write_date: string }>>(url, 'account.move', 'read', [[invoice]], { fields: ['write_date'] })
    )[0];
    // The payment left the order's own write_date alone; the order is read again, dated by its invoice.
    expect(
      (await ok<Array<{ write_date: string }>>(url, 'sale.order', 'read', [[id]], { fields: ['write_date'] }))[0],
    ).toEqual(orderWritten);
    expect(again?.modifiedAt).toBe(`${moved?.write_date.replace(' ', 'T')}.000Z`);
    expect(again?.fields['invoices']).toMatchObject({
      payment_state: 'paid',
      amount_paid: 153.97,
      amount_due: 0,
      paid_date: moved?.write_date.slice(0, 10),
    });
    // Requests for this incremental page: orders scan, invoices scan, orders of the changed invoices,
    // the candidates' invoices, their lines.
    expect(sent.map((c) => `${c.model}.${c.method}`)).toEqual([
      'sale.order.search_read',
      'account.move.search_read',
      'sale.order.search_read',
      'account.move.search_read',
      'sale.order.line.search_read',
    ]);
    // Nothing changed since: resuming after that page does not yield the order once more.
    expect(find(await readAll(lastCursor(next, cursor)), id)).toBeUndefined();
  });
});

describe('paging', () => {
  it('yields every order of a crowded second exactly once, in (modifiedAt, id) order, with small pages', async () => {
    await nextSecond();
    const since = { modifiedAt: new Date(Date.now() - 500).toISOString(), lastId: null };
    const ids = await ok<number[]>(url, 'sale.order', 'create', [
      Array.from({ length: 7 }, (_v, i) => ({ partner_id: customer, client_order_ref: `HS-DEAL-P${i}` })),
    ]);
    const paid = await confirmedOrder('HS-DEAL-P-paid');
    const invoice = await invoiceAndPost(url, paid);
    await pay(url, invoice);
    const pages = await readAll(since, 3, ['name']);
    const records = pages.flatMap((p) => p.records);
    const read = records.map((r) => Number(r.id));
    expect(new Set(read).size).toBe(read.length);
    expect(read).toEqual(expect.arrayContaining([...ids, paid]));
    const keys = records.map((r) => `${r.modifiedAt}|${r.id.padStart(8, '0')}`);
    expect(keys).toEqual([...keys].sort());
    expect(pages.every((p) => p.records.length <= 3)).toBe(true);
    // Resuming from any page's cursor misses nothing that came after it.
    for (const [i, page] of pages.entries()) {
      const rest = (await readAll(page.cursor, 3, ['name'])).flatMap((p) => p.records.map((r) => r.id));
      for (const later of pages.slice(i + 1).flatMap((p) => p.records)) expect(rest).toContain(later.id);
    }
  });

  it('splits the orders one invoice brings back into pages of at most pageSize', async () => {
    const orders = [];
    for (const i of [1, 2, 3, 4]) orders.push(await confirmedOrder(`HS-DEAL-C${i}`));
    const invoice = await invoiceAndPost(url, orders);
    await nextSecond();
    const since = { modifiedAt: new Date().toISOString(), lastId: null };
    await pay(url, invoice);
    const pages = await readAll(since, 3, ['name', 'invoices']);
    expect(pages.map((p) => p.records.map((r) => Number(r.id)))).toEqual([orders.slice(0, 3), orders.slice(3)]);
    expect(
      pages
        .flatMap((p) => p.records)
        .every((r) => (r.fields['invoices'] as { payment_state: string }).payment_state === 'paid'),
    ).toBe(true);
    expect(await readAll(pages[0]?.cursor ?? null, 3, ['name'])).toEqual([
      expect.objectContaining({ records: [expect.objectContaining({ id: String(orders[3]) })] }),
    ]);
  });
});

describe('describe', () => {
  it('lists the invoice aggregates as read-only fields of sale.order', async () => {
    const described = await connector.schema.describe('sale.order');
    const virtual = described.fields.filter((f) => f.name === 'invoices' || f.name.startsWith('invoices.'));
    expect(virtual.map((f) => f.name)).toEqual([
      'invoices',
      'invoices.amount_due',
      'invoices.amount_invoiced',
      'invoices.amount_paid',
      'invoices.names',
      'invoices.paid_date',
      'invoices.payment_state',
    ]);
    expect(virtual.every((f) => f.readOnly)).toBe(true);
    expect(described.fields.find((f) => f.name === 'order_line')?.readOnly).toBe(false);
  });
});
