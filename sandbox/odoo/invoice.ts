/**
 * `account.move` invoices, their lines and `account.payment` as Odoo 17.0 behaves over RPC
 * (addons/account/models/account_move.py): drafts named '/', `action_post` numbering them
 * INV/<year>/<n> and dating them today, `button_cancel`, `button_draft` (which unreconciles the
 * payments), the refusals and wording of `_post`, `button_draft`, `button_cancel` and of deleting
 * a posted entry's items; and the invoices `sale.order._create_invoices` makes for confirmed orders.
 *
 * Not modelled: journal items other than the product lines (receivable, tax), taxes, credit
 * notes, payment terms (due date = invoice date), fiscal lock dates, hashing.
 */
import { OdooException, recordMissing, userError } from './errors.js';
import type { Env, ModelMethod, ModelRules } from './model.js';
import { recomputeMoves, recomputeOrders } from './sales-compute.js';
import {
  INTERNAL_ENV,
  placeholders,
  requireColumn,
  requireRow,
  rowsOf,
  today,
  type SalesContext,
} from './sales-context.js';
import { ACCOUNT_MOVE, ACCOUNT_MOVE_LINE } from './account-fields.js';
import { companyCurrencyId, nextNumber } from './sales-store.js';
import { paymentWidgets } from './payment-widget.js';
import { applyOne2many, parseCommands } from './x2many.js';

export interface MoveRow {
  id: number;
  name: string;
  move_type: string;
  state: string;
  partner_id: number | null;
  currency_id: number;
  ref: string | null;
  date: string;
  invoice_date: string | null;
  amount_total: number;
  amount_residual: number;
}

const DRAFT_NAMES: Readonly<Record<string, string>> = {
  out_invoice: 'Draft Invoice',
  out_refund: 'Draft Credit Note',
  in_invoice: 'Draft Bill',
  in_refund: 'Draft Vendor Credit Note',
  out_receipt: 'Draft Sales Receipt',
  in_receipt: 'Draft Purchase Receipt',
  entry: 'Draft Entry',
};

/** `_get_move_display_name(show_ref=True)`: "Draft Invoice (* 7)", "INV/2026/00001 (S00001)". */
function moveDisplayName(move: MoveRow): string {
  const draft = move.state === 'draft' ? `${DRAFT_NAMES[move.move_type] ?? 'Draft Entry'} ` : '';
  const name = move.name === '' || move.name === '/' ? `(* ${move.id})` : move.name;
  const ref =
    move.ref === null || move.ref === ''
      ? ''
      : ` (${move.ref.length > 50 ? `${move.ref.slice(0, 46)} [...]` : move.ref})`;
  return `${draft}${name}${ref}`;
}

/** The journal sequence of a move posted on `date`: INV for customer invoices, RINV for credit notes, MISC otherwise. */
function moveName(ctx: SalesContext, move: MoveRow, date: string): string {
  const year = date.slice(0, 4);
  if (move.move_type === 'out_invoice' || move.move_type === 'out_refund') {
    const prefix = `${move.move_type === 'out_refund' ? 'R' : ''}INV/${year}/`;
    return `${prefix}${String(nextNumber(ctx.db, prefix)).padStart(5, '0')}`;
  }
  const prefix = `MISC/${year}/${date.slice(5, 7)}/`;
  return `${prefix}${String(nextNumber(ctx.db, prefix)).padStart(4, '0')}`;
}

function existingMoves(ctx: SalesContext, env: Env, ids: readonly number[]): MoveRow[] {
  const moves = rowsOf<MoveRow>(ctx.db, 'account_move', ids);
  const present = new Set(moves.map((m) => m.id));
  const missing = ids.filter((id) => !present.has(id));
  if (missing.length > 0) throw recordMissing('account.move', missing, env.uid);
  return moves;
}

/** `_post(soft=False)`: the checks, in Odoo's order, then the number and the dates. */
function post(ctx: SalesContext, env: Env, ids: readonly number[]): false {
  const moves = existingMoves(ctx, env, ids);
  const now = today(ctx.clock);
  for (const move of moves.filter((m) => m.move_type !== 'entry')) {
    if (move.amount_total < 0)
      throw userError(
        'You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.',
      );
    if (move.partner_id === null && move.move_type.startsWith('out_'))
      throw userError("The field 'Customer' is required, please complete it to validate the Customer Invoice.");
  }
  for (const move of moves) {
    if (move.state === 'posted' || move.state === 'cancel')
      throw userError(`The entry ${move.name} (id ${move.id}) must be in draft.`);
    const lines = ctx.db.prepare('SELECT COUNT(*) AS n FROM account_move_line WHERE move_id = ?').get(move.id) as {
      n: number;
    };
    if (lines.n === 0) throw userError('You need to add a line before posting.');
    const currency = ctx.db.prepare('SELECT name, active FROM res_currency WHERE id = ?').get(move.currency_id) as {
      name: string;
      active: number;
    };
    if (currency.active === 0)
      throw userError(`You cannot validate a document with an inactive currency: ${currency.name}`);
  }
  const model = ctx.model(ACCOUNT_MOVE.name);
  for (const move of moves) {
    const invoiceDate = move.move_type === 'entry' ? null : (move.invoice_date ?? now);
    const date = invoiceDate ?? move.date;
    const name = move.name === '/' || move.name === '' ? moveName(ctx, move, date) : move.name;
    ctx.db.prepare('UPDATE account_move SET name = ? WHERE id = ?').run(name, move.id);
    model.write(INTERNAL_ENV, [move.id], {
      state: 'posted',
      date,
      ...(invoiceDate === null ? {} : { invoice_date: invoiceDate, invoice_date_due: invoiceDate }),
    });
  }
  return false;
}

/** `button_draft`: posted or cancelled moves go back to draft; their payments are unreconciled (outstanding). */
function resetToDraft(ctx: SalesContext, env: Env, ids: readonly number[]): undefined {
  const moves = existingMoves(ctx, env, ids);
  if (moves.some((m) => m.state !== 'cancel' && m.state !== 'posted'))
    throw userError('Only posted/cancelled journal entries can be reset to draft.');
  if (ids.length === 0) return undefined;
  ctx.db
    .prepare(
      `UPDATE account_payment SET invoice_id = NULL, reconciled = 0, write_date = ? WHERE invoice_id IN (${placeholders(ids)})`,
    )
    .run(ctx.clock.now(), ...ids);
  ctx.model(ACCOUNT_MOVE.name).write(INTERNAL_ENV, ids, { state: 'draft' });
  return undefined;
}

/** `button_cancel`: posted moves are reset to draft first; only drafts can be cancelled. */
function cancelMoves(ctx: SalesContext, env: Env, ids: readonly number[]): undefined {
  const posted = existingMoves(ctx, env, ids).filter((m) => m.state === 'posted');
  if (posted.length > 0)
    resetToDraft(
      ctx,
      env,
      posted.map((m) => m.id),
    );
  if (existingMoves(ctx, env, ids).some((m) => m.state !== 'draft'))
    throw userError('Only draft journal entries can be cancelled.');
  if (ids.length > 0) ctx.model(ACCOUNT_MOVE.name).write(INTERNAL_ENV, ids, { state: 'cancel' });
  return undefined;
}

/** The orders whose lines a move invoices. */
function ordersOfMoves(ctx: SalesContext, moveIds: readonly number[]): number[] {
  if (moveIds.length === 0) return [];
  return (
    ctx.db
      .prepare(
        `SELECT DISTINCT s.order_id FROM account_move_line l JOIN sale_order_line s ON s.id = l.sale_line_id WHERE l.move_id IN (${placeholders(moveIds)})`,
      )
      .all(...moveIds) as Array<{ order_id: number }>
  ).map((r) => r.order_id);
}

/** account.move's rules. */
export function accountMoveRules(ctx: SalesContext): ModelRules {
  return {
    displayNames: (db, ids) => new Map(rowsOf<MoveRow>(db, 'account_move', ids).map((m) => [m.id, moveDisplayName(m)])),
    defaults(db, values) {
      values['move_type'] ??= 'entry';
      values['date'] ??= values['invoice_date'] ?? today(ctx.clock);
      values['currency_id'] ??= companyCurrencyId(db);
    },
    validate(db, id, values) {
      requireColumn(ACCOUNT_MOVE, values, 'currency_id', id === null);
      requireRow(db, ACCOUNT_MOVE, values, 'partner_id', 'res_partner');
      requireRow(db, ACCOUNT_MOVE, values, 'currency_id', 'res_currency');
    },
    afterWrite(db, ids, vals) {
      if ('invoice_line_ids' in vals) {
        const commands = parseCommands(vals['invoice_line_ids'], 'account.move.invoice_line_ids');
        const lines = ctx.model(ACCOUNT_MOVE_LINE.name);
        for (const id of ids) applyOne2many(db, INTERNAL_ENV, lines, 'move_id', id, commands);
      }
      recomputeMoves(db, ids, ctx.clock.now());
    },
    beforeUnlink(db, ids) {
      if (rowsOf<MoveRow>(db, 'account_move', ids).some((m) => m.state === 'posted')) throw postedItemError();
      const orders = ordersOfMoves(ctx, ids);
      return () => recomputeOrders(db, orders, ctx.clock.now());
    },
    computed(db, ids, fields) {
      const widgets = fields.some((f) => f.name === 'invoice_payments_widget') ? paymentWidgets(db, ids) : new Map();
      const lines = new Map<number, number[]>(ids.map((id) => [id, []]));
      if (ids.length > 0) {
        const rows = db
          .prepare(
            `SELECT id, move_id FROM account_move_line WHERE move_id IN (${placeholders(ids)}) ORDER BY sequence, id`,
          )
          .all(...ids) as Array<{ id: number; move_id: number }>;
        for (const row of rows) lines.get(row.move_id)?.push(row.id);
      }
      return new Map(
        ids.map((id) => [
          id,
          { invoice_line_ids: lines.get(id) ?? [], invoice_payments_widget: widgets.get(id) ?? false },
        ]),
      );
    },
    methods: new Map<string, ModelMethod>([
      ['action_post', (env, ids) => post(ctx, env, ids)],
      ['button_draft', (env, ids) => resetToDraft(ctx, env, ids)],
      ['button_cancel', (env, ids) => cancelMoves(ctx, env, ids)],
    ]),
  };
}

const postedItemError = (): OdooException =>
  userError(
    "You can't delete a posted journal item. Don’t play games with your accounting records; reset the journal entry to draft before deleting it.",
  );

/** account.move.line's rules (product lines only). */
export function accountMoveLineRules(ctx: SalesContext): ModelRules {
  const movesOf = (ids: readonly number[]): number[] => [
    ...new Set(rowsOf<{ id: number; move_id: number }>(ctx.db, 'account_move_line', ids).map((l) => l.move_id)),
  ];
  return {
    displayNames: (db, ids) =>
      new Map(
        rowsOf<{ id: number; name: string | null }>(db, 'account_move_line', ids).map((l) => [l.id, l.name ?? '']),
      ),
    defaults(db, values) {
      const product = db
        .prepare('SELECT name, default_code, list_price FROM product_product WHERE id = ?')
        .get(values['product_id']) as { name: string; default_code: string | null; list_price: number } | undefined;
      if (product === undefined) return;
      values['name'] ??= product.default_code === null ? product.name : `[${product.default_code}] ${product.name}`;
      values['price_unit'] ??= product.list_price;
    },
    validate(db, id, values) {
      requireColumn(ACCOUNT_MOVE_LINE, values, 'move_id', id === null);
      requireRow(db, ACCOUNT_MOVE_LINE, values, 'move_id', 'account_move');
      requireRow(db, ACCOUNT_MOVE_LINE, values, 'product_id', 'product_product');
      requireRow(db, ACCOUNT_MOVE_LINE, values, 'sale_line_ids', 'sale_order_line');
    },
    afterWrite(db, ids) {
      recomputeMoves(db, movesOf(ids), ctx.clock.now());
    },
    beforeUnlink(db, ids) {
      const moves = movesOf(ids);
      if (rowsOf<MoveRow>(db, 'account_move', moves).some((m) => m.state === 'posted')) throw postedItemError();
      const orders = ordersOfMoves(ctx, moves);
      return () => {
        recomputeMoves(db, moves, ctx.clock.now());
        recomputeOrders(db, orders, ctx.clock.now());
      };
    },
  };
}

/** account.payment's rules: created by the register wizard only. */
export const accountPaymentRules: ModelRules = {
  displayNames: (db, ids) =>
    new Map(rowsOf<{ id: number; name: string }>(db, 'account_payment', ids).map((p) => [p.id, p.name])),
  validate() {},
};

/** Refuses a model method call that Odoo would refuse for an unknown method. */
export function noSuchMethod(model: string, method: string): OdooException {
  return new OdooException('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
}
