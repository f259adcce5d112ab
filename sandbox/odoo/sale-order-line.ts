/**
 * `sale.order.line` as Odoo 17.0 behaves over RPC (addons/sale/models/sale_order_line.py): the
 * description and price taken from the product, the accountable-line constraint, a locked order's
 * protected fields, and no deleting a confirmed order's lines.
 */
import { OdooException, userError } from './errors.js';
import { decimal, roundDigits, roundTo, times, toNumber } from './money.js';
import type { ModelRules } from './model.js';
import { recomputeOrders } from './sales-compute.js';
import { placeholders, requireColumn, requireRow, rowsOf, type SalesContext } from './sales-context.js';
import { SALE_ORDER_LINE } from './sales-fields.js';

/** sale.order.line._get_protected_fields: what a locked order's lines keep. */
const PROTECTED = [
  'product_id',
  'name',
  'price_unit',
  'product_uom',
  'product_uom_qty',
  'tax_id',
  'analytic_distribution',
];

const UNLINK_CONFIRMED =
  "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets invoiced or delivered).\n" +
  '                Set the quantity to 0 instead.';

interface LineRow {
  id: number;
  order_id: number;
  name: string;
}

/** The price and description a line takes from its product when the client gives none (`_compute_price_unit`, `_compute_name`). */
function productDefaults(ctx: SalesContext, values: Record<string, unknown>): void {
  const product = ctx.db
    .prepare('SELECT name, default_code, list_price, description_sale FROM product_product WHERE id = ?')
    .get(values['product_id']) as
    { name: string; default_code: string | null; list_price: number; description_sale: string | null } | undefined;
  if (product === undefined) return;
  if (values['name'] === undefined) {
    const display = product.default_code === null ? product.name : `[${product.default_code}] ${product.name}`;
    values['name'] = product.description_sale === null ? display : `${display}\n${product.description_sale}`;
  }
  if (values['price_unit'] === undefined) {
    // The list price is in the company's currency; `_convert` rounds to the order's currency, then to the price's digits.
    const currency = ctx.db
      .prepare('SELECT c.rate, c.rounding FROM sale_order o JOIN res_currency c ON c.id = o.currency_id WHERE o.id = ?')
      .get(values['order_id']) as { rate: number; rounding: number } | undefined;
    const price = decimal(product.list_price);
    const converted =
      currency === undefined ? price : roundTo(times(price, decimal(currency.rate)), decimal(currency.rounding));
    values['price_unit'] = toNumber(roundDigits(converted, 2));
  }
}

/** sale.order.line's rules. */
export function saleOrderLineRules(ctx: SalesContext): ModelRules {
  const ordersOf = (ids: readonly number[]): number[] => [
    ...new Set(rowsOf<LineRow>(ctx.db, 'sale_order_line', ids).map((l) => l.order_id)),
  ];
  return {
    displayNames(db, ids) {
      const rows = db
        .prepare(
          `SELECT l.id, l.name, o.name AS order_name FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id WHERE l.id IN (${placeholders(ids)})`,
        )
        .all(...ids) as Array<{ id: number; name: string; order_name: string }>;
      return new Map(rows.map((r) => [r.id, `${r.order_name} - ${r.name.split('\n')[0] ?? ''}`]));
    },
    defaults(_db, values) {
      productDefaults(ctx, values);
    },
    validate(db, id, values) {
      requireColumn(SALE_ORDER_LINE, values, 'order_id', id === null);
      requireRow(db, SALE_ORDER_LINE, values, 'order_id', 'sale_order');
      requireRow(db, SALE_ORDER_LINE, values, 'product_id', 'product_product');
      // The accountable_required_fields SQL constraint (sections and notes are not modelled).
      if ((id === null || 'product_id' in values) && typeof values['product_id'] !== 'number')
        throw new OdooException(
          'odoo.exceptions.ValidationError',
          'The operation cannot be completed: Missing required fields on accountable sale order line.',
        );
      requireColumn(SALE_ORDER_LINE, values, 'name', id === null);
    },
    beforeWrite(db, ids, vals) {
      const touched = PROTECTED.filter((name) => name in vals);
      if (touched.length === 0) return;
      const locked = db
        .prepare(
          `SELECT 1 FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id WHERE l.id IN (${placeholders(ids)}) AND o.locked = 1`,
        )
        .get(...ids);
      if (locked === undefined) return;
      const labels = touched
        .sort()
        .map((name) => SALE_ORDER_LINE.fields.get(name)?.string)
        .filter((label): label is string => label !== undefined);
      throw userError(`It is forbidden to modify the following fields in a locked order:\n${labels.join('\n')}`);
    },
    afterWrite(_db, ids) {
      recomputeOrders(ctx.db, ordersOf(ids), ctx.clock.now());
    },
    beforeUnlink(db, ids) {
      // _unlink_except_confirmed (_check_line_unlink): no line of a confirmed order goes.
      const confirmed = db
        .prepare(
          `SELECT 1 FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id WHERE l.id IN (${placeholders(ids)}) AND o.state = 'sale'`,
        )
        .get(...ids);
      if (confirmed !== undefined) throw userError(UNLINK_CONFIRMED);
      const orders = ordersOf(ids);
      return () => recomputeOrders(db, orders, ctx.clock.now());
    },
  };
}
