/**
 * The Odoo connector writing `sale.order` against the sandbox: lines as x2many commands (create,
 * replace by product key), exactly one order under a lost create response, cancel, ORDER_LOCKED,
 * and per-record outcomes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, UpsertOperation } from '../../../connectors/types.js';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';
import { ok } from './jsonrpc.js';
import { aCustomer, productId, recordingConnector, type SentCall } from './orders.js';

let sandbox: Sandbox;
let url: string;
let connector: Connector;
const sent: SentCall[] = [];
let customer: number;
let [a, b, c] = [0, 0, 0];

beforeAll(async () => {
  sandbox = await startSandbox();
  url = sandbox.server.url;
  connector = recordingConnector(url, sent);
  customer = await aCustomer(url);
  [a, b, c] = [await productId(url, 'TND-4001'), await productId(url, 'TND-1001'), await productId(url, 'TND-1002')];
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(sandbox.dir);
});

const upsert = (ref: string, fields: Record<string, unknown>, targetId: string | null = null): UpsertOperation => ({
  action: 'upsert',
  key: `k-${ref}`,
  targetId,
  ref: { field: 'client_order_ref', value: ref },
  fields,
});

const line = (product: number, qty: number | string, price: number | string, discount: number | string = 0) => ({
  product_id: product,
  product_uom_qty: qty,
  price_unit: price,
  discount,
});

interface LineRead {
  id: number;
  product_id: [number, string];
  product_uom_qty: number;
  price_unit: number;
}
const linesOf = (order: number): Promise<LineRead[]> =>
  ok(url, 'sale.order.line', 'search_read', [[['order_id', '=', order]]], {
    fields: ['product_id', 'product_uom_qty', 'price_unit'],
    order: 'sequence asc, id asc',
  });
const stateOf = async (order: number): Promise<unknown> =>
  (await ok<Array<{ state: string }>>(url, 'sale.order', 'read', [[order]], { fields: ['state'] }))[0]?.state;
const calls = (): string[] => sent.map((s) => `${s.model}.${s.method}`);

async function quotation(ref: string, lines: ReadonlyArray<readonly [number, number]>): Promise<number> {
  return ok<number>(url, 'sale.order', 'create', [
    {
      partner_id: customer,
      client_order_ref: ref,
      order_line: lines.map(([product, qty]) => [0, 0, { product_id: product, product_uom_qty: qty, price_unit: 10 }]),
    },
  ]);
}

describe('creating orders with lines', () => {
  it('creates the order with one [0, 0, vals] per line, after looking its reference up', async () => {
    sent.length = 0;
    const [result] = await connector.writer.writeBatch('sale.order', [
      upsert('HS-DEAL-W1', { partner_id: customer, order_line: [line(a, 2, '19.99'), line(b, 1, 100, '5')] }),
    ]);
    expect(result).toMatchObject({ ok: true, created: true });
    expect(calls()).toEqual(['sale.order.search_read', 'sale.order.create']);
    expect(sent[1]?.args).toEqual([
      [
        {
          partner_id: customer,
          client_order_ref: 'HS-DEAL-W1',
          order_line: [
            [0, 0, { product_id: a, product_uom_qty: 2, price_unit: 19.99, discount: 0 }],
            [0, 0, { product_id: b, product_uom_qty: 1, price_unit: 100, discount: 5 }],
          ],
        },
      ],
    ]);
    const lines = await linesOf(Number(result?.ok === true ? result.id : 0));
    expect(lines.map((l) => [l.product_id[0], l.product_uom_qty, l.price_unit])).toEqual([
      [a, 2, 19.99],
      [b, 1, 100],
    ]);
  });

  it('refuses a bad line with VALIDATION_ERROR naming it, and writes the rest of the batch', async () => {
    const results = await connector.writer.writeBatch('sale.order', [
      upsert('HS-DEAL-W2', { partner_id: customer, order_line: [line(a, 1, 10), line(b, 1, 'ten')] }),
      upsert('HS-DEAL-W3', { partner_id: customer, order_line: [line(a, 1, 10)] }),
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', retryable: false } });
    expect(results[0]?.ok === false && results[0].error.message).toMatch(/HS-DEAL-W2: order_line\[1\]\.price_unit/);
    expect(results[1]).toMatchObject({ ok: true, created: true });
    expect(await ok(url, 'sale.order', 'search_count', [[['client_order_ref', '=', 'HS-DEAL-W2']]])).toBe(0);
  });
});

describe('updating lines: replace by product key', () => {
  it('sends (1, id, changed) for a changed pair, (0, 0, vals) for a new line, (2, id) for a gone one, nothing for equal', async () => {
    const id = await quotation('HS-DEAL-W4', [
      [a, 1],
      [a, 2],
      [b, 1],
    ]);
    const [a1, a2, b1] = await linesOf(id);
    sent.length = 0;
    const wanted = [line(a, '1.000', '10.0'), line(a, 5, 10), line(c, 1, 10)];
    const [result] = await connector.writer.writeBatch('sale.order', [
      upsert('HS-DEAL-W4', { order_line: wanted }, String(id)),
    ]);
    expect(result).toMatchObject({ ok: true, id: String(id), created: false });
    expect(calls()).toEqual(['sale.order.search_read', 'sale.order.line.search_read', 'sale.order.write']);
    expect(sent[2]?.args).toEqual([
      [id],
      {
        order_line: [
          [1, a2?.id, { product_uom_qty: 5 }],
          [0, 0, { product_id: c, product_uom_qty: 1, price_unit: 10, discount: 0 }],
          [2, b1?.id],
        ],
      },
    ]);
    const after = await linesOf(id);
    expect(after.map((l) => [l.id === a1?.id || l.id === a2?.id, l.product_id[0], l.product_uom_qty])).toEqual([
      [true, a, 1],
      [true, a, 5],
      [false, c, 1],
    ]);
    // The same lines once more: nothing to write.
    sent.length = 0;
    const [again] = await connector.writer.writeBatch('sale.order', [
      upsert('HS-DEAL-W4', { order_line: wanted }, String(id)),
    ]);
    expect(again).toMatchObject({ ok: true });
    expect(calls()).toEqual(['sale.order.search_read', 'sale.order.line.search_read']);
  });
});

describe('cancel and the ORDER_LOCKED backstop', () => {
  it('cancels a quotation with action_cancel and disable_cancel_warning', async () => {
    const id = await quotation('HS-DEAL-W5', [[a, 1]]);
    sent.length = 0;
    const [result] = await connector.writer.writeBatch('sale.order', [
      upsert('HS-DEAL-W5', { state: 'cancel' }, String(id)),
    ]);
    expect(result).toMatchObject({ ok: true });
    expect(sent.at(-1)).toMatchObject({
      method: 'action_cancel',
      args: [[id]],
      kwargs: { context: { disable_cancel_warning: true } },
    });
    expect(await stateOf(id)).toBe('cancel');
  });

  it('refuses line changes and cancel on a confirmed order (ORDER_LOCKED, not retryable), writes the others', async () => {
    const confirmed = await quotation('HS-DEAL-W6', [[a, 1]]);
    await ok(url, 'sale.order', 'action_confirm', [[confirmed]]);
    const open = await quotation('HS-DEAL-W7', [[a, 1]]);
    const results = await connector.writer.writeBatch('sale.order', [
      upsert('HS-DEAL-W6', { order_line: [line(a, 2, 10)] }, String(confirmed)),
      upsert('HS-DEAL-W6', { state: 'cancel' }, String(confirmed)),
      upsert('HS-DEAL-W6', { order_line: [line(a, 1, 10)], note: 'unchanged lines' }, String(confirmed)),
      upsert('HS-DEAL-W7', { order_line: [line(a, 2, 10)] }, String(open)),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ORDER_LOCKED', 'ORDER_LOCKED', 'ok', 'ok']);
    expect(results[0]?.ok === false && results[0].error.retryable).toBe(false);
    expect((await linesOf(confirmed)).map((l) => l.product_uom_qty)).toEqual([1]);
    expect(await stateOf(confirmed)).toBe('sale');
    expect((await linesOf(open)).map((l) => l.product_uom_qty)).toEqual([2]);
  });
});

describe('exactly one order under a lost create response', () => {
  it('finds the order the lost create made, and adds no second order and no second set of lines', async () => {
    const faulty = await startSandbox({ faults: { lostResponseRate: 1 } });
    const op = upsert('HS-DEAL-LOST', { partner_id: customer, order_line: [line(a, 2, 10), line(b, 1, 100)] });
    try {
      const [lost] = await faulty.connector().writer.writeBatch('sale.order', [op]);
      expect(lost).toMatchObject({ ok: false, error: { retryable: true } });
      expect(faulty.server.faultCounts()['lost-response']).toBe(1);
    } finally {
      await faulty.close();
    }
    const restarted = await startSandbox({ dir: faulty.dir });
    try {
      const [retried] = await restarted.connector().writer.writeBatch('sale.order', [op]);
      expect(retried).toMatchObject({ ok: true, created: false });
      const orders = await ok<number[]>(restarted.server.url, 'sale.order', 'search', [
        [['client_order_ref', '=', 'HS-DEAL-LOST']],
      ]);
      expect(orders).toHaveLength(1);
      const lines = await ok<unknown[]>(restarted.server.url, 'sale.order.line', 'search', [
        [['order_id', 'in', orders]],
      ]);
      expect(lines).toHaveLength(2);
    } finally {
      await restarted.close();
      await removeDir(faulty.dir);
    }
  });
});
