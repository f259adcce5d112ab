/**
 * The invoice aggregates of a sales order (the virtual `invoices.*` fields), from its customer
 * invoices and credit notes as `account.move` reads them. Sums are exact decimals of Odoo's own
 * amounts (already rounded to the currency), so they stay at the currency's precision.
 */
import { z } from 'zod';
import { toUnits, unitsToNumber } from './decimals.js';

const odooDate = z.union([z.string(), z.literal(false)]);

/**
 * `invoice_payments_widget` (Odoo 14+: a JSON field computed for posted invoices): `false`, or
 * `{content: [{date, amount, is_exchange, ...}]}`, one entry per reconciled payment or credit note.
 */
const widgetSchema = z.union([
  z.literal(false),
  z.looseObject({
    content: z.array(z.looseObject({ date: odooDate.optional(), is_exchange: z.boolean().optional() })),
  }),
]);

/** The `account.move` fields the aggregates and the change detection read. */
export const INVOICE_FIELDS = [
  'write_date',
  'state',
  'move_type',
  'name',
  'amount_total',
  'amount_residual',
  'payment_state',
  'invoice_payments_widget',
] as const;

export const invoiceRowSchema = z.looseObject({
  id: z.number().int().positive(),
  write_date: z.string(),
  state: z.string(),
  move_type: z.string(),
  name: z.union([z.string(), z.literal(false)]),
  amount_total: z.number(),
  amount_residual: z.number(),
  payment_state: z.union([z.string(), z.literal(false)]),
  invoice_payments_widget: widgetSchema.optional(),
});
export type InvoiceRow = z.infer<typeof invoiceRowSchema>;

/** The virtual fields, as `describe` lists them and records carry them under `invoices`. */
export const INVOICE_AGGREGATES = [
  { name: 'amount_invoiced', label: 'Invoiced (posted invoices less credit notes)', type: 'number' },
  { name: 'amount_paid', label: 'Paid on posted invoices', type: 'number' },
  { name: 'amount_due', label: 'Due on posted invoices', type: 'number' },
  { name: 'payment_state', label: 'Payment status of the posted invoices', type: 'enumeration' },
  { name: 'paid_date', label: 'Date of the last payment, once fully paid', type: 'date' },
  { name: 'names', label: 'Numbers of the posted invoices', type: 'string' },
] as const;

export interface InvoiceAggregates {
  readonly amount_invoiced: number;
  readonly amount_paid: number;
  readonly amount_due: number;
  readonly payment_state: 'none' | 'not_paid' | 'partial' | 'in_payment' | 'paid';
  readonly paid_date: string | null;
  readonly names: string;
}

const SETTLED = new Set(['paid', 'reversed', 'invoicing_legacy']);

/**
 * One state for several invoices: none posted -> `none`; every one settled (`paid`, or `reversed` by
 * a credit note) -> `paid`; every one settled or `in_payment` -> `in_payment`; none paid at all ->
 * `not_paid`; otherwise `partial`.
 */
function paymentState(states: readonly string[]): InvoiceAggregates['payment_state'] {
  if (states.length === 0) return 'none';
  if (states.every((s) => SETTLED.has(s))) return 'paid';
  if (states.every((s) => SETTLED.has(s) || s === 'in_payment')) return 'in_payment';
  if (states.every((s) => s === 'not_paid' || s === '')) return 'not_paid';
  return 'partial';
}

/** The last payment date among the invoices' reconciled payments (exchange differences left out). */
function lastPaymentDate(invoices: readonly InvoiceRow[]): string | null {
  let last: string | null = null;
  for (const invoice of invoices) {
    const content = invoice.invoice_payments_widget === false ? [] : (invoice.invoice_payments_widget?.content ?? []);
    for (const entry of content) {
      const date = typeof entry.date === 'string' ? entry.date.slice(0, 10) : null;
      if (entry.is_exchange !== true && date !== null && (last === null || date > last)) last = date;
    }
  }
  return last;
}

/** The aggregates over an order's posted customer invoices (added) and credit notes (subtracted). */
export function aggregateInvoices(invoices: readonly InvoiceRow[]): InvoiceAggregates {
  const posted = invoices
    .filter((i) => i.state === 'posted' && (i.move_type === 'out_invoice' || i.move_type === 'out_refund'))
    .sort((a, b) => a.id - b.id);
  let invoiced = 0n;
  let due = 0n;
  for (const invoice of posted) {
    const sign = invoice.move_type === 'out_refund' ? -1n : 1n;
    invoiced += sign * (toUnits(invoice.amount_total) ?? 0n);
    due += sign * (toUnits(invoice.amount_residual) ?? 0n);
  }
  const state = paymentState(posted.map((i) => (i.payment_state === false ? '' : i.payment_state)));
  return {
    amount_invoiced: unitsToNumber(invoiced),
    amount_paid: unitsToNumber(invoiced - due),
    amount_due: unitsToNumber(due),
    payment_state: state,
    paid_date: state === 'paid' ? lastPaymentDate(posted) : null,
    names: posted.map((i) => (i.name === false ? '' : i.name)).join(', '),
  };
}
