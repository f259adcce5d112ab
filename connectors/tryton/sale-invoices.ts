/**
 * A sale's invoices, summed with the names Odoo's `sale.order` uses (docs/odoo-sale-orders.md),
 * so one mapping's back-fields read either ERP:
 *
 * - over the invoices that are posted or paid (Tryton's invoice states: draft, validated, posted,
 *   paid, cancelled); a credit note is an `out` invoice with a negative total in Tryton 6.0;
 * - `invoices.amount_invoiced`: the sum of their `total_amount`;
 * - `invoices.amount_due`: the sum of their `amount_to_pay` (Tryton gives 0 for a paid invoice);
 * - `invoices.amount_paid`: invoiced minus due;
 * - `invoices.payment_state`: `none` without such an invoice, `paid` when all are paid, `not_paid`
 *   when nothing was paid on any (every `amount_to_pay` is its total), else `partial`;
 * - `invoices.paid_date`: when all are paid, the latest `reconciled` date (Tryton's date of an
 *   invoice's last reconciliation: the payment that settled it), else null;
 * - `invoices.names`: their numbers, by id, joined with ", ".
 *
 * Amounts are Tryton's Decimals, already rounded to the currency by Tryton, summed exactly
 * (values.ts `sumDecimals`, integer arithmetic).
 *
 * Change detection: paying part of an invoice writes the invoice (its `payment_lines`), not the
 * sale. An incremental read asks which `out` invoices changed since its start, then which sales
 * hold them ({@link salesChangedThroughInvoices}), and reads those sales too.
 */
import { z } from 'zod';
import type { TrytonRpc } from './rpc.js';
import { changeRowSchema, rowsSchema } from './schemas.js';
import { sinceDomain } from './domains.js';
import { sameDecimal, subtractDecimals, sumDecimals } from './values.js';

export const INVOICE_FIELDS = [
  'invoices.amount_invoiced',
  'invoices.amount_paid',
  'invoices.amount_due',
  'invoices.payment_state',
  'invoices.paid_date',
  'invoices.names',
] as const;

/** The nested invoice fields a sale read asks for: always the dates, the amounts when an aggregate is asked. */
export const INVOICE_READ = {
  dates: ['invoices', 'invoices.create_date', 'invoices.write_date'],
  amounts: [
    'invoices',
    'invoices.state',
    'invoices.number',
    'invoices.total_amount',
    'invoices.amount_to_pay',
    'invoices.reconciled',
  ],
} as const;

type Row = Readonly<Record<string, unknown>>;
type Amount = number | string;

const amount = (value: unknown): Amount => (typeof value === 'number' || typeof value === 'string' ? value : 0);

function paymentState(counted: readonly Row[]): string {
  if (counted.length === 0) return 'none';
  if (counted.every((i) => i['state'] === 'paid')) return 'paid';
  const unpaid = (i: Row): boolean =>
    i['state'] === 'posted' && sameDecimal(amount(i['amount_to_pay']), amount(i['total_amount']));
  return counted.every(unpaid) ? 'not_paid' : 'partial';
}

/** The `invoices.*` aggregates of a sale's nested invoice rows. */
export function invoiceAggregates(invoices: readonly Row[]): Record<string, unknown> {
  const counted = invoices
    .filter((i) => i['state'] === 'posted' || i['state'] === 'paid')
    .sort((a, b) => Number(a['id']) - Number(b['id']));
  const invoiced = sumDecimals(counted.map((i) => amount(i['total_amount'])));
  const due = sumDecimals(counted.map((i) => (i['state'] === 'paid' ? 0 : amount(i['amount_to_pay']))));
  const state = paymentState(counted);
  const dates = counted.map((i) => i['reconciled']).filter((d): d is string => typeof d === 'string');
  return {
    'invoices.amount_invoiced': invoiced,
    'invoices.amount_paid': subtractDecimals(invoiced, due),
    'invoices.amount_due': due,
    'invoices.payment_state': state,
    'invoices.paid_date': state === 'paid' && dates.length > 0 ? dates.sort()[dates.length - 1] : null,
    'invoices.names': counted.length === 0 ? null : counted.map((i) => String(i['number'] ?? i['id'])).join(', '),
  };
}

const PAGE = 500;
const invoiceRowsSchema = z.array(changeRowSchema);

/**
 * Sale id -> the latest change time of its `out` invoices changed since `since`: one
 * `account.invoice` search per 500 changed invoices, one `sale.sale` search per 500 of them.
 */
export async function salesChangedThroughInvoices(
  rpc: TrytonRpc,
  since: string,
  signal?: AbortSignal,
): Promise<Map<number, string>> {
  const options = { readOnly: true, ...(signal === undefined ? {} : { signal }) };
  const changed = new Map<number, string>();
  for (let after = 0; ;) {
    const rows = await rpc.model(
      'account.invoice',
      'search_read',
      [
        [...sinceDomain(since), ['type', '=', 'out'], ['id', '>', after]],
        0,
        PAGE,
        [['id', 'ASC']],
        ['create_date', 'write_date'],
      ],
      invoiceRowsSchema,
      options,
    );
    for (const row of rows) changed.set(row.id, row.write_date ?? row.create_date);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < PAGE) break;
    after = last.id;
  }
  const touched = new Map<number, string>();
  const ids = [...changed.keys()];
  for (let i = 0; i < ids.length; i += PAGE) {
    const sales = await rpc.model(
      'sale.sale',
      'search_read',
      [[['invoices', 'in', ids.slice(i, i + PAGE)]], 0, null, null, ['invoices']],
      rowsSchema,
      options,
    );
    for (const sale of sales) {
      const held = Array.isArray(sale['invoices']) ? (sale['invoices'] as unknown[]) : [];
      for (const id of held) {
        const at = typeof id === 'number' ? changed.get(id) : undefined;
        const known = touched.get(sale.id);
        if (at !== undefined && (known === undefined || at > known)) touched.set(sale.id, at);
      }
    }
  }
  return touched;
}
