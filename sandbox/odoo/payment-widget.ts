/** `account.move.invoice_payments_widget` (Odoo 17, addons/account/models/account_move.py). */
import { placeholders } from './sales-context.js';
import type { Db } from './store.js';

/**
 * `invoice_payments_widget` of posted invoices: `{title, outstanding: false, content: [...]}` with one
 * entry per reconciled payment (oldest first), `false` when none, as Odoo 17's
 * `_compute_payments_widget_reconciled_info` fills it. Over JSON-RPC the dates are 'YYYY-MM-DD'.
 * Guessed where the sandbox has no journal items: `partial_id` and `move_id` are the payment's id,
 * the journal is 'Bank', and the formatted amount is '<amount> <currency code>'.
 */
export function paymentWidgets(db: Db, ids: readonly number[]): Map<number, unknown> {
  const widgets = new Map<number, unknown>();
  if (ids.length === 0) return widgets;
  const rows = db
    .prepare(
      `SELECT p.id, p.name, p.reconciled, p.currency_id, p.date, p.ref, p.invoice_id, c.name AS code, c.rounding
       FROM account_payment p JOIN account_move m ON m.id = p.invoice_id JOIN res_currency c ON c.id = p.currency_id
       WHERE p.invoice_id IN (${placeholders(ids)}) AND p.reconciled != 0 AND m.state = 'posted' ORDER BY p.date, p.id`,
    )
    .all(...ids) as Array<{
    id: number;
    name: string;
    reconciled: number;
    currency_id: number;
    date: string;
    ref: string | null;
    invoice_id: number;
    code: string;
    rounding: number;
  }>;
  for (const p of rows) {
    const widget = (widgets.get(p.invoice_id) ?? { title: 'Less Payment', outstanding: false, content: [] }) as {
      content: unknown[];
    };
    const digits = p.rounding > 0 && p.rounding < 1 ? Math.round(Math.log10(1 / p.rounding)) : 0;
    widget.content.push({
      name: p.name,
      journal_name: 'Bank',
      amount: p.reconciled,
      currency_id: p.currency_id,
      date: p.date,
      partial_id: p.id,
      account_payment_id: p.id,
      payment_method_name: 'Manual',
      move_id: p.id,
      ref: p.ref === null || p.ref === '' ? p.name : `${p.name} (${p.ref})`,
      is_exchange: false,
      amount_company_currency: `${p.reconciled.toFixed(digits)} ${p.code}`,
      amount_foreign_currency: false,
    });
    widgets.set(p.invoice_id, widget);
  }
  return widgets;
}
