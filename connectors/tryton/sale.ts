/**
 * `sale.sale` with its lines and invoices as plain fields, the Tryton analogue of Odoo's
 * `sale.order` (docs/connectors.md, "Sales"):
 *
 * | field                       | read from                                                        |
 * | --------------------------- | ---------------------------------------------------------------- |
 * | `lines`                     | the sale's lines of type `line` (not titles, comments, subtotals) |
 * |                             | by (sequence, id), as `{ id, product, quantity, unit_price,      |
 * |                             | description }` (sale.line has no discount in Tryton 6.0)          |
 * | `invoices.amount_invoiced`, | the sale's invoices that are posted or paid (sale-invoices.ts)    |
 * | `invoices.amount_paid`, ... |                                                                  |
 * | `invoices`                  | the same aggregates as one object, `{ amount_invoiced, ... }`:    |
 * |                             | what a mapping path `invoices.amount_paid` reads (as on Odoo's    |
 * |                             | `sale.order`); it stands in for Tryton's one2many of invoice ids  |
 *
 * One `search_read` gets the sale with all of it: Tryton reads related fields with dotted names
 * (`lines.product`, `invoices.total_amount`) and answers them nested under `lines.` / `invoices.`.
 * Every read of a sale also asks for its invoices' dates: the sale's `modifiedAt` is the latest of
 * its own and its invoices' modification times, so a payment dates the sale (reader.ts).
 */
import { invoiceAggregates, INVOICE_FIELDS, INVOICE_READ } from './sale-invoices.js';
import type { ChangeRow } from './schemas.js';

export const SALE = 'sale.sale';
export const SALE_LINE = 'sale.line';

export const LINES = 'lines';
/** The nested fields a read asks for to give `lines`. */
export const LINE_READ = [
  'lines',
  'lines.type',
  'lines.sequence',
  'lines.product',
  'lines.quantity',
  'lines.unit_price',
  'lines.description',
] as const;

/** The aggregates as one object (what a mapping's dotted path `invoices.x` reads). */
export const INVOICES = 'invoices';

/** The virtual fields of a sale, for the describer. */
export const SALE_VIRTUAL_FIELDS = [LINES, INVOICES, ...INVOICE_FIELDS] as const;

const isInvoiceField = (field: string): boolean =>
  field === INVOICES || (INVOICE_FIELDS as readonly string[]).includes(field);

type Row = Readonly<Record<string, unknown>>;

/** A sale line as read: `unit_price` is Tryton's Decimal, a number when exact, else its exact text. */
export interface SaleLine {
  readonly id: number;
  readonly product: number | null;
  readonly quantity: number;
  readonly unit_price: number | string;
  readonly description: string | null;
}

/** The fields `search_read` must ask for to produce the requested ones, the invoices' dates always. */
export function saleReadFields(requested: readonly string[]): string[] {
  const out = new Set<string>(INVOICE_READ.dates);
  for (const field of requested) {
    if (field === LINES) LINE_READ.forEach((f) => out.add(f));
    else if (isInvoiceField(field)) INVOICE_READ.amounts.forEach((f) => out.add(f));
    else out.add(field);
  }
  return [...out];
}

const nested = (row: Row, field: string): Row[] => (Array.isArray(row[`${field}.`]) ? (row[`${field}.`] as Row[]) : []);
const idOf = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** The sale's product lines in Tryton's order: sequence (none first), then id. */
export function saleLines(row: Row): SaleLine[] {
  const seq = (line: Row): number => (typeof line['sequence'] === 'number' ? line['sequence'] : -Infinity);
  return nested(row, LINES)
    .filter((line) => line['type'] === undefined || line['type'] === 'line')
    .sort((a, b) => seq(a) - seq(b) || Number(a['id']) - Number(b['id']))
    .map((line) => ({
      id: Number(line['id']),
      product: idOf(line['product']),
      quantity: typeof line['quantity'] === 'number' ? line['quantity'] : 0,
      unit_price:
        typeof line['unit_price'] === 'number' || typeof line['unit_price'] === 'string' ? line['unit_price'] : 0,
      description: typeof line['description'] === 'string' && line['description'] !== '' ? line['description'] : null,
    }));
}

/** The later of the sale's own modification time and its invoices'. */
export function saleModifiedAt(row: ChangeRow): string {
  let at = row.write_date ?? row.create_date;
  for (const invoice of nested(row, 'invoices')) {
    const own = typeof invoice['write_date'] === 'string' ? invoice['write_date'] : invoice['create_date'];
    if (typeof own === 'string' && own > at) at = own;
  }
  return at;
}

/** A row read with {@link saleReadFields} as flat fields: `lines` and the `invoices.*` aggregates. */
export function flattenSale(row: Row, requested: readonly string[]): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const aggregates = requested.some(isInvoiceField) ? invoiceAggregates(nested(row, 'invoices')) : {};
  for (const field of requested) {
    if (field === LINES) flat[field] = saleLines(row);
    else if (field === INVOICES)
      flat[field] = Object.freeze(
        Object.fromEntries(Object.entries(aggregates).map(([k, v]) => [k.slice(INVOICES.length + 1), v])),
      );
    else if (field in aggregates) flat[field] = aggregates[field];
    else if (field in row) flat[field] = row[field];
  }
  return flat;
}
