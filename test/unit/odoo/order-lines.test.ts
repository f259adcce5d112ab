import { describe, expect, it } from 'vitest';
import { toUnits, unitsToNumber, unitsToText } from '../../../connectors/odoo/decimals.js';
import { aggregateInvoices, type InvoiceRow } from '../../../connectors/odoo/invoice-totals.js';
import {
  createCommands,
  LinePayloadError,
  parseWantedLines,
  replaceCommands,
  type ReadLine,
} from '../../../connectors/odoo/order-lines.js';

describe('exact decimals', () => {
  it('reads numbers and decimal text exactly, whatever the notation', () => {
    expect(toUnits('19.990')).toBe(toUnits(19.99));
    // Digits past the 12th decimal are dropped: a double's noise (0.30000000000000004) is not a price.
    expect(toUnits(0.1 + 0.2)).toBe(toUnits('0.3'));
    expect(toUnits('0.300000000001')).not.toBe(toUnits('0.3'));
    expect(unitsToText(toUnits('1e-7') ?? 0n)).toBe('0.0000001');
    expect(unitsToText(toUnits('-0012.50') ?? 0n)).toBe('-12.5');
    expect(unitsToNumber((toUnits('0.1') ?? 0n) + (toUnits('0.2') ?? 0n))).toBe(0.3);
    expect([toUnits('ten'), toUnits(''), toUnits(Number.NaN), toUnits(null), toUnits('1.2.3')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

const current = (id: number, product: number | null, qty: number, price = 10, name = 'x'): ReadLine => ({
  id,
  product_id: product,
  product_uom_qty: qty,
  price_unit: price,
  discount: 0,
  name,
});

describe('order line commands', () => {
  it('creates every line with [0, 0, vals], discount defaulting to 0 and name only when given', () => {
    const wanted = parseWantedLines([
      { product_id: 7, product_uom_qty: '2', price_unit: '19.99' },
      { product_id: '8', product_uom_qty: 1, price_unit: 5, discount: 10, name: 'Setup' },
    ]);
    expect(createCommands(wanted)).toEqual([
      [0, 0, { product_id: 7, product_uom_qty: 2, price_unit: 19.99, discount: 0 }],
      [0, 0, { product_id: 8, product_uom_qty: 1, price_unit: 5, discount: 10, name: 'Setup' }],
    ]);
  });

  it('pairs the n-th wanted line of a product with its n-th current line', () => {
    const lines = [current(1, 7, 1), current(2, 9, 1), current(3, 7, 2), current(4, null, 0), current(5, 7, 4)];
    const wanted = parseWantedLines([
      { product_id: 7, product_uom_qty: '1.00', price_unit: '10.000' },
      { product_id: 7, product_uom_qty: 3, price_unit: 10, name: 'x' },
      { product_id: 8, product_uom_qty: 1, price_unit: 10 },
      { product_id: 9, product_uom_qty: 1, price_unit: 12, name: 'renamed' },
    ]);
    expect(replaceCommands(lines, wanted)).toEqual([
      [1, 3, { product_uom_qty: 3 }],
      [0, 0, { product_id: 8, product_uom_qty: 1, price_unit: 10, discount: 0 }],
      [1, 2, { price_unit: 12, name: 'renamed' }],
      [2, 4],
      [2, 5],
    ]);
    expect(replaceCommands(lines.slice(0, 2), parseWantedLines([]))).toEqual([
      [2, 1],
      [2, 2],
    ]);
  });

  it('sends nothing when the lines are equal as decimals', () => {
    const lines = [current(1, 7, 0.3, 19.99)];
    expect(
      replaceCommands(lines, parseWantedLines([{ product_id: 7, product_uom_qty: '0.30', price_unit: '19.990' }])),
    ).toEqual([]);
  });

  it('names the line and the field of a bad payload', () => {
    const bad = (value: unknown): string => {
      try {
        parseWantedLines(value);
        return 'accepted';
      } catch (error) {
        return error instanceof LinePayloadError ? error.message : 'other error';
      }
    };
    expect(bad({})).toMatch(/^order_line must be an array/);
    expect(bad([{ product_id: 7, product_uom_qty: 1, price_unit: 1 }, 'x'])).toMatch(
      /^order_line\[1\] must be an object/,
    );
    expect(bad([{ product_id: 'seven', product_uom_qty: 1, price_unit: 1 }])).toMatch(/^order_line\[0\]\.product_id/);
    expect(bad([{ product_id: 0, product_uom_qty: 1, price_unit: 1 }])).toMatch(/^order_line\[0\]\.product_id/);
    expect(bad([{ product_id: 7, product_uom_qty: 1, price_unit: 1, discount: 'x' }])).toMatch(
      /^order_line\[0\]\.discount must be a decimal number/,
    );
    expect(bad([{ product_id: 7, price_unit: 1 }])).toMatch(/^order_line\[0\]\.product_uom_qty/);
  });
});

const invoice = (id: number, fields: Partial<InvoiceRow>): InvoiceRow => ({
  id,
  write_date: '2026-01-01 10:00:00',
  state: 'posted',
  move_type: 'out_invoice',
  name: `INV/2026/0000${id}`,
  amount_total: 0,
  amount_residual: 0,
  payment_state: 'not_paid',
  invoice_payments_widget: false,
  ...fields,
});

describe('invoice aggregates', () => {
  it('adds posted invoices, subtracts credit notes, leaves drafts and cancelled ones out', () => {
    expect(
      aggregateInvoices([
        invoice(2, { amount_total: 100.1, amount_residual: 0.2, payment_state: 'partial' }),
        invoice(1, { amount_total: 0.2, amount_residual: 0.1, payment_state: 'partial' }),
        invoice(3, { move_type: 'out_refund', amount_total: 0.1, amount_residual: 0, payment_state: 'paid' }),
        invoice(4, { state: 'draft', amount_total: 999, amount_residual: 999 }),
        invoice(5, { state: 'cancel', amount_total: 999, amount_residual: 999 }),
      ]),
    ).toEqual({
      amount_invoiced: 100.2,
      amount_paid: 99.9,
      amount_due: 0.3,
      payment_state: 'partial',
      paid_date: null,
      names: 'INV/2026/00001, INV/2026/00002, INV/2026/00003',
    });
  });

  it('is paid with the last payment date only when every posted invoice is settled', () => {
    const widget = (dates: ReadonlyArray<readonly [string, boolean]>): InvoiceRow['invoice_payments_widget'] => ({
      content: dates.map(([date, is_exchange]) => ({ date, is_exchange })),
    });
    const paid = [
      invoice(1, { payment_state: 'paid', invoice_payments_widget: widget([['2026-02-01', false]]) }),
      invoice(2, {
        payment_state: 'paid',
        invoice_payments_widget: widget([
          ['2026-03-05', false],
          ['2026-04-01', true],
        ]),
      }),
    ];
    expect(aggregateInvoices(paid)).toMatchObject({ payment_state: 'paid', paid_date: '2026-03-05' });
    expect(aggregateInvoices([...paid, invoice(3, { payment_state: 'in_payment' })])).toMatchObject({
      payment_state: 'in_payment',
      paid_date: null,
    });
    expect(aggregateInvoices([...paid, invoice(3, {})])).toMatchObject({ payment_state: 'partial' });
    expect(aggregateInvoices([invoice(3, {}), invoice(4, {})])).toMatchObject({ payment_state: 'not_paid' });
    expect(aggregateInvoices([invoice(3, { state: 'draft' })])).toMatchObject({ payment_state: 'none', names: '' });
  });
});
