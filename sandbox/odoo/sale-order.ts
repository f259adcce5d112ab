/**
 * `sale.order` as Odoo 17.0 behaves over RPC (addons/sale/models/
 * sale_order.py, sale_order_line.py): names from the `sale.order` sequence (S00001), the currency
 * from the pricelist (pricelist.ts), lines written
 * with x2many commands, amounts recomputed exactly, and the buttons a client calls —
 * `action_confirm`, `action_cancel`, `action_draft`, `action_quotation_sent`, `action_lock`,
 * `action_unlock` — with Odoo's refusals and wording.
 *
 * Odoo 17 lets a confirmed order's lines be edited and added (only a *locked* order protects
 * product, description, price and quantity); it refuses to delete a confirmed order's lines, to
 * confirm an order that is not a quotation, to cancel a locked order, and to delete an order that
 * is not a draft or cancelled.
 */
import { OdooException, recordMissing, userError } from './errors.js';
import { type FieldDef } from './fields.js';
import { decimal, toNumber } from './money.js';
import type { Env, ModelMethod, ModelRules } from './model.js';
import { recomputeOrders } from './sales-compute.js';
import {
  INTERNAL_ENV,
  nowSeconds,
  placeholders,
  requireColumn,
  requireRow,
  rowsOf,
  type SalesContext,
} from './sales-context.js';
import { SALE_ORDER, SALE_ORDER_LINE } from './sales-fields.js';
import { nextNumber } from './sales-store.js';
import { defaultPricelistId, orderCurrencyId } from './pricelist.js';
import type { Db } from './store.js';
import { applyOne2many, parseCommands } from './x2many.js';

interface OrderRow {
  id: number;
  name: string;
  state: string;
  locked: number;
  pricelist_id: number | null;
  currency_id: number;
  amount_total: number;
  amount_to_invoice: number;
}

/** The invoices of orders: moves of type out_invoice/out_refund with a line from one of their lines (`_get_invoiced`). */
export function invoicesOf(ctx: SalesContext, orderIds: readonly number[]): Map<number, number[]> {
  const result = new Map<number, number[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return result;
  const rows = ctx.db
    .prepare(
      `SELECT DISTINCT s.order_id, m.id FROM sale_order_line s JOIN account_move_line l ON l.sale_line_id = s.id
       JOIN account_move m ON m.id = l.move_id
       WHERE s.order_id IN (${placeholders(orderIds)}) AND m.move_type IN ('out_invoice', 'out_refund') ORDER BY m.id DESC`,
    )
    .all(...orderIds) as Array<{ order_id: number; id: number }>;
  for (const row of rows) result.get(row.order_id)?.push(row.id);
  return result;
}

function orderComputed(ctx: SalesContext, ids: readonly number[], fields: readonly FieldDef[]) {
  const names = new Set(fields.map((f) => f.name));
  const lines = new Map<number, number[]>(ids.map((id) => [id, []]));
  if (names.has('order_line') && ids.length > 0) {
    const rows = ctx.db
      .prepare(
        `SELECT id, order_id FROM sale_order_line WHERE order_id IN (${placeholders(ids)}) ORDER BY sequence, id`,
      )
      .all(...ids) as Array<{ id: number; order_id: number }>;
    for (const row of rows) lines.get(row.order_id)?.push(row.id);
  }
  const invoices = invoicesOf(ctx, ids);
  const orders = new Map(rowsOf<OrderRow>(ctx.db, 'sale_order', ids).map((o) => [o.id, o]));
  return new Map(
    ids.map((id) => {
      const order = orders.get(id);
      const invoiced =
        order === undefined ? 0 : toNumber(decimal(order.amount_total) - decimal(order.amount_to_invoice));
      const invoiceIds = invoices.get(id) ?? [];
      return [
        id,
        {
          order_line: lines.get(id) ?? [],
          invoice_ids: invoiceIds,
          invoice_count: invoiceIds.length,
          amount_invoiced: invoiced,
        },
      ];
    }),
  );
}

/** The orders behind `ids`, or Odoo's MissingError when one was deleted. */
function existingOrders(ctx: SalesContext, env: Env, ids: readonly number[]): OrderRow[] {
  const orders = rowsOf<OrderRow>(ctx.db, 'sale_order', ids);
  if (orders.length !== new Set(ids).size) {
    const present = new Set(orders.map((o) => o.id));
    throw recordMissing(
      'sale.order',
      ids.filter((id) => !present.has(id)),
      env.uid,
    );
  }
  return orders;
}

function orderMethods(ctx: SalesContext): Map<string, ModelMethod> {
  const orders = () => ctx.model(SALE_ORDER.name);
  const write = (ids: readonly number[], vals: Record<string, unknown>): true =>
    ids.length === 0 ? true : orders().write(INTERNAL_ENV, ids, vals);
  return new Map<string, ModelMethod>([
    [
      'action_confirm',
      (env, ids) => {
        const rows = existingOrders(ctx, env, ids);
        if (!rows.every((o) => o.state === 'draft' || o.state === 'sent'))
          throw userError(
            `The following orders are not in a state requiring confirmation: ${rows.map((o) => o.name).join(', ')}`,
          );
        // _prepare_confirmation_values: the confirmation date replaces the quotation date.
        return write(ids, { state: 'sale', date_order: nowSeconds(ctx.clock) });
      },
    ],
    ['action_cancel', (env, ids) => cancel(ctx, env, existingOrders(ctx, env, ids))],
    [
      'action_draft',
      (env, ids) =>
        write(
          existingOrders(ctx, env, ids)
            .filter((o) => o.state === 'cancel' || o.state === 'sent')
            .map((o) => o.id),
          { state: 'draft' },
        ),
    ],
    [
      'action_quotation_sent',
      (env, ids) => {
        if (existingOrders(ctx, env, ids).some((o) => o.state !== 'draft'))
          throw userError('Only draft orders can be marked as sent directly.');
        write(ids, { state: 'sent' });
        return undefined;
      },
    ],
    [
      'action_lock',
      (env, ids) =>
        void write(
          existingOrders(ctx, env, ids).map((o) => o.id),
          { locked: true },
        ),
    ],
    [
      'action_unlock',
      (env, ids) =>
        void write(
          existingOrders(ctx, env, ids).map((o) => o.id),
          { locked: false },
        ),
    ],
  ]);
}

/**
 * `action_cancel`: a locked order is refused; an order that is not a draft opens the
 * `sale.order.cancel` wizard (an action comes back and nothing is cancelled) unless the context
 * says `disable_cancel_warning`, as an RPC client must; otherwise draft invoices are cancelled too.
 */
function cancel(ctx: SalesContext, env: Env, rows: readonly OrderRow[]): unknown {
  if (rows.some((o) => o.locked === 1)) throw userError('You cannot cancel a locked order. Please unlock it first.');
  if (env.context['disable_cancel_warning'] !== true && rows.some((o) => o.state !== 'draft')) {
    const [order] = rows;
    if (order === undefined || rows.length > 1)
      throw new OdooException(
        'builtins.ValueError',
        `Expected singleton: sale.order(${rows.map((o) => o.id).join(', ')})`,
      );
    const typeName = order.state === 'sale' ? 'Sales Order' : 'Quotation';
    return {
      name: `Cancel ${typeName}`,
      view_mode: 'form',
      res_model: 'sale.order.cancel',
      type: 'ir.actions.act_window',
      context: { default_order_id: order.id, mark_so_as_canceled: true, model_description: typeName },
      target: 'new',
    };
  }
  const ids = rows.map((o) => o.id);
  const drafts = [...invoicesOf(ctx, ids).values()]
    .flat()
    .filter(
      (id) =>
        (ctx.db.prepare('SELECT state FROM account_move WHERE id = ?').get(id) as { state: string }).state === 'draft',
    );
  const moves = ctx.model('account.move');
  if (drafts.length > 0) moves.method('button_cancel')?.(INTERNAL_ENV, drafts, []);
  return ids.length === 0 ? true : ctx.model(SALE_ORDER.name).write(INTERNAL_ENV, ids, { state: 'cancel' });
}

/**
 * What a write recomputes, as Odoo 17's ORM does after `write`: a new `pricelist_id` recomputes
 * `currency_id` (`_compute_currency_id`, even when the same write gives a currency: it is not
 * protected, being read-only); a new `partner_id` recomputes a draft's pricelist
 * (`_compute_pricelist_id`, draft orders only) unless the same write gives one (an editable
 * computed field written is protected), and so its currency. `currency_id` written alone is
 * stored as given: its dependencies did not change, so nothing recomputes it.
 */
function recomputePricelist(db: Db, ids: readonly number[], vals: Readonly<Record<string, unknown>>): void {
  const setCurrency = db.prepare('UPDATE sale_order SET currency_id = ? WHERE id = ?');
  if ('pricelist_id' in vals) {
    for (const order of rowsOf<OrderRow>(db, 'sale_order', ids))
      setCurrency.run(orderCurrencyId(db, order.pricelist_id), order.id);
    return;
  }
  if (!('partner_id' in vals)) return;
  const pricelist = defaultPricelistId(db);
  for (const order of rowsOf<OrderRow>(db, 'sale_order', ids).filter((o) => o.state === 'draft')) {
    db.prepare('UPDATE sale_order SET pricelist_id = ? WHERE id = ?').run(pricelist, order.id);
    setCurrency.run(orderCurrencyId(db, pricelist), order.id);
  }
}

/** sale.order's rules. */
export function saleOrderRules(ctx: SalesContext): ModelRules {
  return {
    displayNames: (db, ids) => new Map(rowsOf<OrderRow>(db, 'sale_order', ids).map((o) => [o.id, o.name])),
    defaults(db, values, vals) {
      if (values['name'] === undefined || values['name'] === null || values['name'] === 'New')
        values['name'] = `S${String(nextNumber(db, 'sale.order')).padStart(5, '0')}`;
      values['date_order'] ??= nowSeconds(ctx.clock);
      // Precomputed fields: computed when the client gives none; a given value is kept (Odoo's
      // create protects precomputed fields it was given against recomputation).
      if (!('pricelist_id' in vals)) values['pricelist_id'] = defaultPricelistId(db);
      if (!('currency_id' in vals)) values['currency_id'] = orderCurrencyId(db, values['pricelist_id']);
    },
    validate(db, id, values) {
      for (const name of ['partner_id', 'date_order', 'currency_id'])
        requireColumn(SALE_ORDER, values, name, id === null);
      requireRow(db, SALE_ORDER, values, 'partner_id', 'res_partner');
      requireRow(db, SALE_ORDER, values, 'pricelist_id', 'product_pricelist');
      requireRow(db, SALE_ORDER, values, 'currency_id', 'res_currency');
    },
    afterWrite(db, ids, vals, created) {
      if (!created) recomputePricelist(db, ids, vals);
      if ('order_line' in vals) {
        const commands = parseCommands(vals['order_line'], 'sale.order.order_line');
        const lines = ctx.model(SALE_ORDER_LINE.name);
        for (const id of ids) applyOne2many(db, INTERNAL_ENV, lines, 'order_id', id, commands);
      }
      recomputeOrders(db, ids, ctx.clock.now());
    },
    beforeUnlink(db, ids) {
      // _unlink_except_draft_or_cancel
      if (rowsOf<OrderRow>(db, 'sale_order', ids).some((o) => o.state !== 'draft' && o.state !== 'cancel'))
        throw userError('You can not delete a sent quotation or a confirmed sales order. You must first cancel it.');
    },
    computed: (_db, ids, fields) => orderComputed(ctx, ids, fields),
    methods: orderMethods(ctx),
  };
}
