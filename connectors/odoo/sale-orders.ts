/**
 * `sale.order` rows as Tandem records: Odoo's own fields, plus `order_line` as plain line objects
 * and the `invoices.*` aggregates, and a `modifiedAt` that moves when an invoice of the order moves
 * (posting or paying an invoice leaves the order's own `write_date` alone).
 *
 * The order <-> invoice relation is `sale.order.invoice_ids` (computed from the lines' invoice
 * lines, customer invoices and credit notes only): read on the order, and searchable with `in`
 * through Odoo's `_search_invoice_ids` (addons/sale/models/sale_order.py).
 */
import { z } from 'zod';
import type { SourceRecord } from '../types.js';
import { aggregateInvoices, INVOICE_FIELDS, invoiceRowSchema, type InvoiceRow } from './invoice-totals.js';
import type { ReadLine } from './order-lines.js';
import type { OdooRpc } from './rpc.js';
import { isOdooDatetime, odooToIso } from './time.js';

export const SALE_ORDER = 'sale.order';
/** The customer documents `invoice_ids` holds (`_get_invoiced`). */
export const INVOICE_TYPES = ['out_invoice', 'out_refund'] as const;

const odooDatetime = z.string().refine(isOdooDatetime, { message: "expected an Odoo datetime 'YYYY-MM-DD HH:MM:SS'" });
const id = z.number().int().positive();

export const orderRowSchema = z.looseObject({ id, write_date: odooDatetime, invoice_ids: z.array(id) });
export type OrderRow = z.infer<typeof orderRowSchema>;
const orderRowsSchema = z.array(orderRowSchema);

const many2one = z.union([z.tuple([id, z.string()]), z.literal(false)]);
const lineRowsSchema = z.array(
  z.looseObject({
    id,
    order_id: z.tuple([id, z.string()]),
    product_id: many2one,
    product_uom_qty: z.number(),
    price_unit: z.number(),
    discount: z.number(),
    name: z.union([z.string(), z.literal(false)]),
  }),
);

/** What a read asks of orders: Odoo's own fields, and which virtual ones. */
export interface OrderView {
  /** The Odoo fields to read, with what the connector needs (write_date, invoice_ids). */
  readonly odoo: readonly string[];
  readonly lines: boolean;
  readonly invoices: boolean;
  /** Odoo fields the caller did not ask for, left out of the records. */
  readonly hidden: readonly string[];
}

/** `fields` as the engine names them: `order_line`, `invoices` or `invoices.<name>`, and Odoo's fields. */
export function orderView(fields: readonly string[]): OrderView {
  const own = fields.filter((f) => f !== 'id' && f !== 'order_line' && f !== 'invoices' && !f.startsWith('invoices.'));
  const odoo = [...new Set([...own, 'write_date', 'invoice_ids'])];
  return {
    odoo,
    lines: fields.includes('order_line'),
    invoices: fields.some((f) => f === 'invoices' || f.startsWith('invoices.')),
    hidden: ['invoice_ids'].filter((f) => !own.includes(f)),
  };
}

type Signal = { readonly signal?: AbortSignal };
const readOnly = ({ signal }: Signal) => ({ readOnly: true, ...(signal === undefined ? {} : { signal }) });

/** Orders matching `domain` (`limit` 0: all of them). */
export function searchOrders(
  rpc: OdooRpc,
  view: OrderView,
  domain: readonly unknown[],
  order: string,
  limit: number,
  options: Signal,
): Promise<OrderRow[]> {
  return rpc.execute(
    {
      model: SALE_ORDER,
      method: 'search_read',
      args: [domain],
      kwargs: { fields: view.odoo, order, ...(limit > 0 ? { limit } : {}) },
      schema: orderRowsSchema,
    },
    readOnly(options),
  );
}

/** The invoices of the orders (one `account.move` read), by id. */
export async function fetchInvoices(
  rpc: OdooRpc,
  orders: readonly OrderRow[],
  options: Signal,
): Promise<Map<number, InvoiceRow>> {
  const ids = [...new Set(orders.flatMap((o) => o.invoice_ids))];
  if (ids.length === 0) return new Map();
  const rows = await rpc.execute(
    {
      model: 'account.move',
      method: 'search_read',
      args: [[['id', 'in', ids]]],
      kwargs: { fields: [...INVOICE_FIELDS] },
      schema: z.array(invoiceRowSchema),
    },
    readOnly(options),
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** The lines of the orders (one `sale.order.line` read), per order in (sequence, id) order. */
export async function fetchLines(
  rpc: OdooRpc,
  orderIds: readonly number[],
  options: Signal,
): Promise<Map<number, ReadLine[]>> {
  const lines = new Map<number, ReadLine[]>(orderIds.map((o) => [o, []]));
  if (orderIds.length === 0) return lines;
  const rows = await rpc.execute(
    {
      model: 'sale.order.line',
      method: 'search_read',
      args: [[['order_id', 'in', [...orderIds]]]],
      kwargs: {
        fields: ['order_id', 'sequence', 'product_id', 'product_uom_qty', 'price_unit', 'discount', 'name'],
        order: 'sequence asc, id asc',
      },
      schema: lineRowsSchema,
    },
    readOnly(options),
  );
  for (const row of rows)
    lines.get(row.order_id[0])?.push({
      id: row.id,
      product_id: row.product_id === false ? null : row.product_id[0],
      product_uom_qty: row.product_uom_qty,
      price_unit: row.price_unit,
      discount: row.discount,
      name: row.name === false ? '' : row.name,
    });
  return lines;
}

/** The order's change time: its own `write_date` or its newest invoice's, whichever is later. */
export function effectiveWriteDate(order: OrderRow, invoices: ReadonlyMap<number, InvoiceRow>): string {
  let latest = order.write_date;
  for (const invoiceId of order.invoice_ids) {
    const written = invoices.get(invoiceId)?.write_date;
    if (written !== undefined && written > latest) latest = written;
  }
  return latest;
}

/** An order row as a record (sale.order has no `active`: never a tombstone). */
export function toOrderRecord(
  order: OrderRow,
  view: OrderView,
  invoices: ReadonlyMap<number, InvoiceRow>,
  lines: ReadonlyMap<number, readonly ReadLine[]>,
): SourceRecord {
  const { id: orderId, ...own } = order;
  const fields: Record<string, unknown> = { ...own };
  for (const name of view.hidden) delete fields[name];
  if (view.lines) fields['order_line'] = (lines.get(orderId) ?? []).map((line) => Object.freeze({ ...line }));
  if (view.invoices)
    fields['invoices'] = Object.freeze(
      aggregateInvoices(order.invoice_ids.flatMap((i) => invoices.get(i) ?? [])) as unknown as Record<string, unknown>,
    );
  return Object.freeze({
    id: String(orderId),
    modifiedAt: odooToIso(effectiveWriteDate(order, invoices)),
    deleted: false,
    fields: Object.freeze(fields),
  });
}

/** Records of the orders, invoices read and lines read when the view asks (two calls at most). */
export async function orderRecords(
  rpc: OdooRpc,
  view: OrderView,
  orders: readonly OrderRow[],
  known: ReadonlyMap<number, InvoiceRow> | undefined,
  options: Signal,
): Promise<SourceRecord[]> {
  const invoices = known ?? (await fetchInvoices(rpc, orders, options));
  const lines = view.lines
    ? await fetchLines(
        rpc,
        orders.map((o) => o.id),
        options,
      )
    : new Map<number, ReadLine[]>();
  return orders.map((order) => toOrderRecord(order, view, invoices, lines));
}
