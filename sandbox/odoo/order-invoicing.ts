/**
 * `sale.order._create_invoices(grouped, final)` as the `sale.advance.payment.inv` wizard calls it:
 * draft customer invoices for the quantities left to invoice on confirmed orders.
 */
import { userError } from './errors.js';
import { rowsOf, type SalesContext } from './sales-context.js';
import { ACCOUNT_MOVE } from './account-fields.js';

const NOTHING_TO_INVOICE =
  'Cannot create an invoice. No items are available to invoice.\n\n' +
  'To resolve this issue, please ensure that:\n' +
  '   \u2022 The products have been delivered before attempting to invoice them.\n' +
  '   \u2022 The invoicing policy of the product is configured correctly.\n\n' +
  'If you want to invoice based on ordered quantities instead:\n' +
  "   \u2022 For consumable or storable products, open the product, go to the 'General Information' tab and change the 'Invoicing Policy' from 'Delivered Quantities' to 'Ordered Quantities'.\n" +
  "   \u2022 For services (and other products), change the 'Invoicing Policy' to 'Prepaid/Fixed Price'.\n";

interface InvoiceDraft {
  partner_id: number;
  currency_id: number;
  refs: string[];
  origins: string[];
  lines: Array<Record<string, unknown>>;
}

/**
 * `sale.order._create_invoices(grouped, final)`: one draft invoice per order, or (not grouped, the
 * wizard's "consolidated billing" default) one per customer and currency; the lines to invoice
 * are those with a quantity left to invoice. Answers the invoices' ids.
 */
export function createInvoices(ctx: SalesContext, orderIds: readonly number[], grouped: boolean): number[] {
  const drafts = new Map<string, InvoiceDraft>();
  for (const order of rowsOf<{
    id: number;
    name: string;
    partner_id: number;
    currency_id: number;
    client_order_ref: string | null;
  }>(ctx.db, 'sale_order', orderIds)) {
    const lines = ctx.db
      .prepare('SELECT * FROM sale_order_line WHERE order_id = ? AND qty_to_invoice > 0 ORDER BY sequence, id')
      .all(order.id) as Array<{
      id: number;
      name: string;
      product_id: number;
      qty_to_invoice: number;
      price_unit: number;
      discount: number;
      sequence: number;
    }>;
    if (lines.length === 0) continue;
    const key = grouped ? `order:${order.id}` : `${order.partner_id}:${order.currency_id}`;
    const draft = drafts.get(key) ?? {
      partner_id: order.partner_id,
      currency_id: order.currency_id,
      refs: [],
      origins: [],
      lines: [],
    };
    drafts.set(key, draft);
    if (!draft.refs.includes(order.client_order_ref ?? '')) draft.refs.push(order.client_order_ref ?? '');
    draft.origins.push(order.name);
    for (const line of lines)
      draft.lines.push({
        sequence: line.sequence,
        name: line.name,
        product_id: line.product_id,
        quantity: line.qty_to_invoice,
        price_unit: line.price_unit,
        discount: line.discount,
        sale_line_ids: [[4, line.id]],
      });
  }
  if (drafts.size === 0) throw userError(NOTHING_TO_INVOICE);
  const moves = ctx.model(ACCOUNT_MOVE.name);
  return moves.create(
    [...drafts.values()].map((draft) => ({
      move_type: 'out_invoice',
      partner_id: draft.partner_id,
      currency_id: draft.currency_id,
      ref: draft.refs.join(', ').slice(0, 2000),
      invoice_origin: draft.origins.join(', '),
      invoice_line_ids: draft.lines.map((vals) => [0, 0, vals]),
    })),
  );
}
