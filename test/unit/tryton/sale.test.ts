import { describe, expect, it } from 'vitest';
import { flattenSale, saleLines } from '../../../connectors/tryton/sale.js';
import { invoiceAggregates } from '../../../connectors/tryton/sale-invoices.js';
import { lineActions, saleValues } from '../../../connectors/tryton/sale-write.js';
import { partyFill } from '../../../connectors/tryton/sale-party.js';
import { sameDecimal, sumDecimals } from '../../../connectors/tryton/values.js';

const dec = (text: string) => ({ __class__: 'Decimal', decimal: text });
const units = new Map([
  [1, 10],
  [2, 10],
  [3, 11],
]);

describe('Decimal arithmetic', () => {
  it('sums exactly where floats would not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals([0.1, 0.2])).toBe(0.3);
    expect(sumDecimals(['12.50', '0.005'])).toBe(12.505);
    expect(sumDecimals(['9007199254740993.10', '0.01'])).toBe('9007199254740993.11');
    expect(sumDecimals(['-25.00', '10'])).toBe(-15);
    expect(sumDecimals([])).toBe(0);
    expect(sameDecimal('12.50', 12.5)).toBe(true);
    expect(sameDecimal('12.50', '12.51')).toBe(false);
  });
});

describe('sale lines', () => {
  it('reads product lines by (sequence, id), leaving titles and comments out', () => {
    const row = {
      'lines.': [
        { id: 9, type: 'line', sequence: 2, product: 1, quantity: 1, unit_price: 5, description: '' },
        { id: 4, type: 'comment', sequence: 1, product: null, quantity: null, unit_price: null, description: 'x' },
        { id: 7, type: 'line', sequence: 1, product: 2, quantity: 2, unit_price: '0.333333', description: 'B' },
        { id: 8, type: 'line', sequence: null, product: 3, quantity: 3, unit_price: 1, description: null },
      ],
    };
    expect(saleLines(row)).toEqual([
      { id: 8, product: 3, quantity: 3, unit_price: 1, description: null },
      { id: 7, product: 2, quantity: 2, unit_price: '0.333333', description: 'B' },
      { id: 9, product: 1, quantity: 1, unit_price: 5, description: null },
    ]);
  });

  it('replaces by product, the n-th line of a product with the n-th, and sends nothing when equal', () => {
    const current = [
      { id: 1, product: 1, quantity: 1, unit_price: 12.5, description: null },
      { id: 2, product: 1, quantity: 2, unit_price: 12.5, description: null },
      { id: 3, product: 2, quantity: 1, unit_price: 100, description: 'S' },
    ];
    const same = current.map((l) => ({ product: l.product, quantity: l.quantity, unit_price: String(l.unit_price) }));
    expect(lineActions(current, same, units)).toEqual([]);
    expect(
      lineActions(
        current,
        [
          { product: 1, quantity: 1, unit_price: '12.50' },
          { product: 1, quantity: 5, unit_price: '12.50', description: 'more' },
          { product: 3, quantity: 1, unit_price: 40 },
        ],
        units,
      ),
    ).toEqual([
      ['write', [2], { quantity: 5, description: 'more' }],
      ['create', [{ type: 'line', product: 3, unit: 11, quantity: 1, unit_price: dec('40') }]],
      ['delete', [3]],
    ]);
  });

  it('creates lines with the product sale unit, and refuses bad lines naming them', () => {
    const fields = { party: 5, lines: [{ product: 2, quantity: '2', unit_price: '100.00' }] };
    expect(saleValues(fields, undefined, null, units)).toEqual({
      vals: {
        party: 5,
        lines: [['create', [{ type: 'line', product: 2, unit: 10, quantity: 2, unit_price: dec('100.00') }]]],
      },
      cancel: false,
    });
    expect(() => saleValues({ lines: [{ product: 9, quantity: 1, unit_price: 1 }] }, undefined, null, units)).toThrow(
      'sale.sale lines[0]: Tryton has no product 9 with a sale unit',
    );
    expect(() => saleValues({ lines: [{}, { product: 'x' }] }, undefined, null, units)).toThrow(/lines\[0\]: product/);
    const discounted = (discount: unknown) => ({ lines: [{ product: 1, quantity: 1, unit_price: 1, discount }] });
    expect(() => saleValues(discounted(10), undefined, null, units)).toThrow("Tryton's sale lines have no discount");
    expect(saleValues(discounted('0.00'), undefined, null, units).vals).toHaveProperty('lines');
    expect(() =>
      saleValues({ lines: [{ product: 1, quantity: 1, unit_price: '1,5' }] }, undefined, null, units),
    ).toThrow(RangeError);
  });

  it('locks lines past draft and cancels only drafts and quotations', () => {
    const lines = [{ id: 1, product: 1, quantity: 1, unit_price: 1, description: null }];
    const wanted = { lines: [{ product: 1, quantity: 2, unit_price: 1 }] };
    expect(() => saleValues(wanted, { state: 'quotation', lines }, 7, units)).toThrow('sale.sale 7 is quotation');
    expect(
      saleValues({ lines: [{ product: 1, quantity: 1, unit_price: '1.0' }] }, { state: 'done', lines }, 7, units),
    ).toEqual({
      vals: {},
      cancel: false,
    });
    expect(saleValues({ state: 'cancelled' }, { state: 'quotation', lines }, 7, units).cancel).toBe(true);
    expect(saleValues({ state: 'cancelled' }, { state: 'cancelled', lines }, 7, units).cancel).toBe(false);
    expect(() => saleValues({ state: 'cancelled' }, { state: 'confirmed', lines }, 7, units)).toThrow(
      'only a draft or quotation',
    );
    expect(() => saleValues({ state: 'done' }, { state: 'draft', lines }, 7, units)).toThrow(RangeError);
  });
});

describe('invoice aggregates', () => {
  const invoice = (id: number, state: string, total: string, toPay: string, extra: Record<string, unknown> = {}) => ({
    id,
    state,
    number: `INV${id}`,
    total_amount: total,
    amount_to_pay: toPay,
    reconciled: null,
    ...extra,
  });

  it('is none without a posted invoice (drafts and cancelled ones do not count)', () => {
    expect(invoiceAggregates([invoice(1, 'draft', '25', '0'), invoice(2, 'cancelled', '25', '0')])).toEqual({
      'invoices.amount_invoiced': 0,
      'invoices.amount_paid': 0,
      'invoices.amount_due': 0,
      'invoices.payment_state': 'none',
      'invoices.paid_date': null,
      'invoices.names': null,
    });
  });

  it('sums invoices and credit notes exactly, partial while anything is paid and something is due', () => {
    const rows = [invoice(2, 'posted', '-0.10', '-0.10'), invoice(1, 'posted', '25.20', '15.00')];
    expect(invoiceAggregates(rows)).toMatchObject({
      'invoices.amount_invoiced': 25.1,
      'invoices.amount_due': 14.9,
      'invoices.amount_paid': 10.2,
      'invoices.payment_state': 'partial',
      'invoices.names': 'INV1, INV2',
    });
    expect(invoiceAggregates([invoice(1, 'posted', '25', '25.00')])['invoices.payment_state']).toBe('not_paid');
  });

  it('gives the aggregates as one `invoices` object too: what a mapping path invoices.amount_paid reads', () => {
    const row = { id: 3, invoices: [1], 'invoices.': [invoice(1, 'posted', '25', '10')] };
    expect(flattenSale(row, ['invoices', 'invoices.amount_due'])).toEqual({
      invoices: {
        amount_invoiced: 25,
        amount_paid: 15,
        amount_due: 10,
        payment_state: 'partial',
        paid_date: null,
        names: 'INV1',
      },
      'invoices.amount_due': 10,
    });
  });

  it('is paid when all are paid, dated by the latest reconciliation', () => {
    const rows = [
      invoice(1, 'paid', '10', '0', { reconciled: '2024-05-03' }),
      invoice(2, 'paid', '5', '0', { reconciled: '2024-06-01' }),
    ];
    expect(invoiceAggregates(rows)).toMatchObject({
      'invoices.amount_paid': 15,
      'invoices.payment_state': 'paid',
      'invoices.paid_date': '2024-06-01',
    });
    expect(invoiceAggregates([rows[0] ?? {}, invoice(3, 'posted', '5', '5')])['invoices.paid_date']).toBeNull();
  });
});

describe("a sale's addresses from its party (on_change_party)", () => {
  const defaults = new Map([
    [5, { invoice_address: 51, shipment_address: 50, payment_term: 3 }],
    [6, { invoice_address: null, shipment_address: null, payment_term: null }],
  ]);

  it('fills what the write does not give when it sets the party', () => {
    expect(partyFill({ party: 5 }, defaults, undefined)).toEqual({
      invoice_address: 51,
      shipment_address: 50,
      payment_term: 3,
    });
    expect(partyFill({ party: '5', invoice_address: 9, payment_term: 4 }, defaults, undefined)).toEqual({
      shipment_address: 50,
    });
    // A party without an address clears them (Tryton's client does the same); no term keeps the default.
    expect(partyFill({ party: 6 }, defaults, undefined)).toEqual({ invoice_address: null, shipment_address: null });
    expect(partyFill({ lines: [] }, defaults, undefined)).toEqual({});
  });

  it("leaves an address to the sale's own invoice or shipment party", () => {
    expect(partyFill({ party: 5 }, defaults, { invoice_party: 8, shipment_party: null })).toEqual({
      shipment_address: 50,
      payment_term: 3,
    });
    expect(partyFill({ party: 5, shipment_party: 8 }, defaults, undefined)).toEqual({
      invoice_address: 51,
      payment_term: 3,
    });
  });
});
