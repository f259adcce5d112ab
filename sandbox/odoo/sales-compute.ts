/**
 * The stored computed fields of orders, order lines and invoices, recomputed after every change
 * that feeds them, as Odoo 17's `@api.depends` recomputation does. A record is rewritten (and its
 * `write_date` moves) only when a value changes: Odoo's `Field.write` discards records whose value
 * is unchanged before the flush (odoo/fields.py), so a payment, which changes no order field,
 * leaves the order's `write_date` alone while the invoice's moves.
 *
 * Taxes are not modelled: `price_tax` and `amount_tax` are 0 and totals equal subtotals.
 */
import { decimal, lineSubtotal, sum, toNumber, type Decimal } from './money.js';
import type { Db } from './store.js';

type Values = Record<string, unknown>;

/** Writes the changed columns of one row, stamping `write_date`; unchanged rows are left alone. */
function writeIfChanged(db: Db, table: string, row: Values & { id: number }, next: Values, now: string): void {
  const changed = Object.keys(next).filter((key) => row[key] !== next[key]);
  if (changed.length === 0) return;
  db.prepare(
    `UPDATE ${table} SET ${[...changed.map((c) => `"${c}" = ?`), 'write_date = ?'].join(', ')} WHERE id = ?`,
  ).run(...changed.map((c) => next[c]), now, row.id);
}

const placeholders = (ids: readonly number[]): string => ids.map(() => '?').join(',');

interface OrderRow extends Values {
  id: number;
  state: string;
  currency_id: number;
  rounding: number;
  amount_total: number;
}

interface LineRow extends Values {
  id: number;
  order_id: number;
  product_uom_qty: number;
  price_unit: number;
  discount: number;
  invoice_policy: string | null;
}

/** `sale.order.line._compute_invoice_status` for a line without deliveries (stock is not modelled). */
function lineInvoiceStatus(state: string, qty: Decimal, invoiced: Decimal, toInvoice: Decimal): string {
  if (state !== 'sale') return 'no';
  if (toInvoice !== 0n) return 'to invoice';
  return invoiced >= qty ? 'invoiced' : 'no';
}

/** `sale.order._compute_invoice_status` over its lines' statuses. */
function orderInvoiceStatus(state: string, statuses: readonly string[]): string {
  if (state !== 'sale') return 'no';
  if (statuses.includes('to invoice')) return 'to invoice';
  if (statuses.length > 0 && statuses.every((s) => s === 'invoiced')) return 'invoiced';
  if (statuses.length > 0 && statuses.every((s) => s === 'invoiced' || s === 'upselling')) return 'upselling';
  return 'no';
}

/** Quantities invoiced per order line: out_invoice lines add, out_refund lines subtract, cancelled moves don't count. */
function invoicedQuantities(db: Db, lineIds: readonly number[]): Map<number, Decimal> {
  const result = new Map<number, Decimal>();
  if (lineIds.length === 0) return result;
  const rows = db
    .prepare(
      `SELECT l.sale_line_id AS id, l.quantity, m.move_type FROM account_move_line l JOIN account_move m ON m.id = l.move_id
       WHERE l.sale_line_id IN (${placeholders(lineIds)}) AND m.state != 'cancel'`,
    )
    .all(...lineIds) as Array<{ id: number; quantity: number; move_type: string }>;
  for (const row of rows) {
    const quantity = decimal(row.quantity);
    const signed = row.move_type === 'out_refund' ? -quantity : row.move_type === 'out_invoice' ? quantity : 0n;
    result.set(row.id, (result.get(row.id) ?? 0n) + signed);
  }
  return result;
}

/** The total of posted invoice lines coming from an order (`_compute_amount_to_invoice`, one currency). */
function postedInvoiced(db: Db, orderId: number): Decimal {
  const rows = db
    .prepare(
      `SELECT l.price_total, m.move_type FROM account_move_line l JOIN account_move m ON m.id = l.move_id
       JOIN sale_order_line s ON s.id = l.sale_line_id WHERE s.order_id = ? AND m.state = 'posted'`,
    )
    .all(orderId) as Array<{ price_total: number; move_type: string }>;
  return sum(rows.map((r) => (r.move_type === 'out_refund' ? -decimal(r.price_total) : decimal(r.price_total))));
}

/** Recomputes the given orders' lines and amounts. */
export function recomputeOrders(db: Db, orderIds: Iterable<number>, now: string): void {
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return;
  const orders = db
    .prepare(
      `SELECT o.*, c.rounding FROM sale_order o JOIN res_currency c ON c.id = o.currency_id WHERE o.id IN (${placeholders(ids)})`,
    )
    .all(...ids) as OrderRow[];
  const lines = db
    .prepare(
      `SELECT l.*, p.invoice_policy FROM sale_order_line l LEFT JOIN product_product p ON p.id = l.product_id
       WHERE l.order_id IN (${placeholders(ids)}) ORDER BY l.sequence, l.id`,
    )
    .all(...ids) as LineRow[];
  const invoiced = invoicedQuantities(
    db,
    lines.map((l) => l.id),
  );
  for (const order of orders) {
    const own = lines.filter((l) => l.order_id === order.id);
    const subtotals: Decimal[] = [];
    const statuses: string[] = [];
    for (const line of own) {
      const subtotal = lineSubtotal(line.price_unit, line.product_uom_qty, line.discount, order.rounding);
      const qty = decimal(line.product_uom_qty);
      const qtyInvoiced = invoiced.get(line.id) ?? 0n;
      // Invoiced on ordered quantities; a 'delivery' product has nothing delivered (stock is not modelled).
      const base = line.invoice_policy === 'delivery' ? 0n : qty;
      const toInvoice = order.state === 'sale' ? base - qtyInvoiced : 0n;
      const status = lineInvoiceStatus(order.state, qty, qtyInvoiced, toInvoice);
      subtotals.push(subtotal);
      statuses.push(status);
      writeIfChanged(
        db,
        'sale_order_line',
        line,
        {
          price_subtotal: toNumber(subtotal),
          price_tax: 0,
          price_total: toNumber(subtotal),
          currency_id: order.currency_id,
          state: order.state,
          qty_invoiced: toNumber(qtyInvoiced),
          qty_to_invoice: toNumber(toInvoice),
          invoice_status: status,
        },
        now,
      );
    }
    const total = sum(subtotals);
    const invoiceStatus = orderInvoiceStatus(order.state, statuses);
    writeIfChanged(
      db,
      'sale_order',
      order,
      {
        amount_untaxed: toNumber(total),
        amount_tax: 0,
        amount_total: toNumber(total),
        amount_to_invoice: invoiceStatus === 'invoiced' ? 0 : toNumber(total - postedInvoiced(db, order.id)),
        invoice_status: invoiceStatus,
      },
      now,
    );
  }
}

interface MoveRow extends Values {
  id: number;
  state: string;
  move_type: string;
  rounding: number;
}

/**
 * `account.move._compute_payment_state` on Odoo Community: a posted invoice whose residual is 0 is
 * 'paid' (`_get_invoice_in_payment_state` answers 'paid' unless Enterprise's account_accountant
 * overrides it with 'in_payment'); one with some payment reconciled is 'partial'.
 */
function paymentState(state: string, residual: Decimal, reconciled: Decimal): string {
  if (state !== 'posted') return 'not_paid';
  if (residual === 0n) return 'paid';
  return reconciled > 0n ? 'partial' : 'not_paid';
}

/** Recomputes the given moves' lines, amounts, residual and payment state, then the orders they invoice. */
export function recomputeMoves(db: Db, moveIds: Iterable<number>, now: string): void {
  const ids = [...new Set(moveIds)];
  if (ids.length === 0) return;
  const moves = db
    .prepare(
      `SELECT m.*, c.rounding FROM account_move m JOIN res_currency c ON c.id = m.currency_id WHERE m.id IN (${placeholders(ids)})`,
    )
    .all(...ids) as MoveRow[];
  const orders = new Set<number>();
  for (const move of moves) {
    const lines = db.prepare('SELECT * FROM account_move_line WHERE move_id = ?').all(move.id) as Array<
      LineRow & { quantity: number; sale_line_id: number | null }
    >;
    const subtotals = lines.map((line) => {
      const subtotal = lineSubtotal(line.price_unit, line.quantity, line.discount, move.rounding);
      writeIfChanged(
        db,
        'account_move_line',
        line,
        {
          price_subtotal: toNumber(subtotal),
          price_total: toNumber(subtotal),
          currency_id: move['currency_id'],
          move_name: move['name'],
          date: move['date'],
        },
        now,
      );
      return subtotal;
    });
    const total = sum(subtotals);
    const paid = db
      .prepare('SELECT COALESCE(SUM(reconciled), 0) AS paid FROM account_payment WHERE invoice_id = ?')
      .get(move.id) as { paid: number };
    const reconciled = decimal(paid.paid);
    const residual = total - reconciled;
    writeIfChanged(
      db,
      'account_move',
      move,
      {
        amount_untaxed: toNumber(total),
        amount_tax: 0,
        amount_total: toNumber(total),
        amount_residual: toNumber(residual),
        payment_state: paymentState(move.state, residual, reconciled),
      },
      now,
    );
    const linked = db
      .prepare(
        'SELECT DISTINCT s.order_id FROM account_move_line l JOIN sale_order_line s ON s.id = l.sale_line_id WHERE l.move_id = ?',
      )
      .all(move.id) as Array<{ order_id: number }>;
    for (const row of linked) orders.add(row.order_id);
  }
  recomputeOrders(db, orders, now);
}
