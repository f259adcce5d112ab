/**
 * The two transient wizards an RPC client drives to invoice an order and to pay an invoice, since
 * `sale.order._create_invoices` and the payment methods are private (a leading underscore: "Private
 * methods … cannot be called remotely"):
 *
 * - `sale.advance.payment.inv` (addons/sale/wizard/sale_make_invoice_advance.py): `create({
 *   advance_payment_method: 'delivered' }, context: { active_model: 'sale.order', active_ids })` (or
 *   `sale_order_ids: [[6, 0, ids]]`), then `create_invoices([id])`, which answers the invoices'
 *   window action (`res_id` for one invoice, a `domain` for several). Down payments ('percentage',
 *   'fixed') are not modelled.
 * - `account.payment.register` (addons/account/wizard/account_payment_register.py): `create({amount?,
 *   payment_date?, communication?, payment_difference_handling?}, context: { active_model:
 *   'account.move', active_ids })`, then `action_create_payments([id])`, which answers the payments'
 *   window action (or `true` with `dont_redirect_to_payments`). Its `default_get` checks run at create.
 */
import { OdooException, userError, valueError } from './errors.js';
import { noSuchMethod, type MoveRow } from './invoice.js';
import { createInvoices } from './order-invoicing.js';
import { decimal, toNumber } from './money.js';
import type { Env } from './model.js';
import type { CustomModel } from './merge-wizard.js';
import { recomputeMoves } from './sales-compute.js';
import { rowsOf, today, type SalesContext } from './sales-context.js';
import { nextNumber } from './sales-store.js';
import { parseCommands } from './x2many.js';

export const INVOICE_WIZARD = 'sale.advance.payment.inv';
export const PAYMENT_WIZARD = 'account.payment.register';

const asVals = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const idList = (value: unknown): number[] =>
  Array.isArray(value) ? value.filter((id): id is number => typeof id === 'number' && Number.isInteger(id)) : [];

/** Transient records: `create` answers an id (or ids for a list), the methods look them up. */
function transient<T>(
  model: string,
  build: (env: Env, vals: Record<string, unknown>) => T,
  methods: Readonly<Record<string, (env: Env, wizard: T) => unknown>>,
): CustomModel {
  const records = new Map<number, T>();
  let next = 1;
  return {
    call(env, method, args, kwargs) {
      if (method === 'create') {
        const raw = args[0] ?? kwargs['vals_list'];
        const list = Array.isArray(raw) ? raw : [raw];
        const ids = list.map((vals) => {
          const record = build(env, asVals(vals));
          const id = next++;
          records.set(id, record);
          return id;
        });
        return Array.isArray(raw) ? ids : ids[0];
      }
      const action = methods[method];
      if (action === undefined) throw noSuchMethod(model, method);
      const ids = Array.isArray(args[0]) ? idList(args[0]) : idList([args[0]]);
      let result: unknown;
      for (const id of ids) {
        const record = records.get(id);
        if (record === undefined)
          throw new OdooException(
            'odoo.exceptions.MissingError',
            `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${env.uid})`,
          );
        result = action(env, record);
      }
      return result;
    },
  };
}

interface InvoiceWizard {
  readonly orders: readonly number[];
  readonly consolidated: boolean;
}

/** `action_view_invoice(invoices)`: the window action on the invoices just made. */
function invoicesAction(invoiceIds: readonly number[]): Record<string, unknown> {
  const base = {
    name: 'Invoices',
    type: 'ir.actions.act_window',
    res_model: 'account.move',
    view_mode: 'tree,kanban,form',
  };
  const context = { default_move_type: 'out_invoice' };
  if (invoiceIds.length > 1) return { ...base, domain: [['id', 'in', invoiceIds]], context };
  if (invoiceIds.length === 1) return { ...base, views: [[false, 'form']], res_id: invoiceIds[0], context };
  return { type: 'ir.actions.act_window_close', context };
}

export function invoiceWizard(ctx: SalesContext): CustomModel {
  return transient<InvoiceWizard>(
    INVOICE_WIZARD,
    (env, vals) => {
      const method = vals['advance_payment_method'] ?? 'delivered';
      if (method !== 'delivered')
        throw new OdooException(
          'builtins.NotImplementedError',
          `The sandbox does not model down payments (advance_payment_method ${JSON.stringify(method)}).`,
        );
      const explicit = vals['sale_order_ids'];
      const orders =
        explicit === undefined
          ? idList(env.context['active_ids'])
          : parseCommands(explicit, `${INVOICE_WIZARD}.sale_order_ids`).flatMap((c) =>
              c.op === 'set' ? c.ids : c.op === 'link' ? [c.id] : [],
            );
      return { orders, consolidated: vals['consolidated_billing'] !== false };
    },
    {
      create_invoices: (_env, wizard) => {
        const invoices = ctx.db.transaction(() => createInvoices(ctx, wizard.orders, !wizard.consolidated))();
        return invoicesAction(invoices);
      },
    },
  );
}

interface PaymentWizard {
  readonly moves: readonly number[];
  readonly amount: number | undefined;
  readonly date: string;
  readonly communication: string | undefined;
  readonly writeOff: boolean;
  readonly redirect: boolean;
}

/** `default_get`'s checks on the moves the wizard is opened on. */
function payableMoves(ctx: SalesContext, env: Env): number[] {
  const model = env.context['active_model'];
  const active = idList(env.context['active_ids']);
  let moveIds: number[];
  if (model === 'account.move') moveIds = active;
  else if (model === 'account.move.line')
    moveIds = rowsOf<{ id: number; move_id: number }>(ctx.db, 'account_move_line', active).map((l) => l.move_id);
  else
    throw userError('The register payment wizard should only be called on account.move or account.move.line records.');
  const moves = rowsOf<MoveRow>(ctx.db, 'account_move', [...new Set(moveIds)]);
  if (moves.some((m) => m.state !== 'posted'))
    throw userError('You can only register payment for posted journal entries.');
  const open = moves.filter((m) => m.amount_residual !== 0);
  if (open.length === 0)
    throw userError("You can't register a payment because there is nothing left to pay on the selected journal items.");
  return open.map((m) => m.id);
}

/** Registers one payment on one invoice: posted, reconciled up to the residual (or all of it, with a write-off). */
function pay(ctx: SalesContext, move: MoveRow, amount: number, wizard: PaymentWizard): number {
  const residual = decimal(move.amount_residual);
  const paid = decimal(amount);
  const reconciled = wizard.writeOff || paid > residual ? residual : paid;
  const prefix = `PBNK1/${wizard.date.slice(0, 4)}/`;
  const now = ctx.clock.now();
  const result = ctx.db
    .prepare(
      `INSERT INTO account_payment (name, payment_type, partner_id, amount, currency_id, date, ref, state, invoice_id, reconciled, create_date, write_date)
       VALUES (?, 'inbound', ?, ?, ?, ?, ?, 'posted', ?, ?, ?, ?)`,
    )
    .run(
      `${prefix}${String(nextNumber(ctx.db, prefix)).padStart(5, '0')}`,
      move.partner_id,
      amount,
      move.currency_id,
      wizard.date,
      wizard.communication ?? move.name,
      move.id,
      toNumber(reconciled),
      now,
      now,
    );
  return Number(result.lastInsertRowid);
}

function paymentsAction(ids: readonly number[]): Record<string, unknown> {
  const base = {
    name: 'Payments',
    type: 'ir.actions.act_window',
    res_model: 'account.payment',
    context: { create: false },
  };
  return ids.length === 1
    ? { ...base, view_mode: 'form', res_id: ids[0] }
    : { ...base, view_mode: 'tree,form', domain: [['id', 'in', ids]] };
}

export function paymentWizard(ctx: SalesContext): CustomModel {
  return transient<PaymentWizard>(
    PAYMENT_WIZARD,
    (env, vals) => {
      const moves = payableMoves(ctx, env);
      const amount = vals['amount'];
      if (amount !== undefined && (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0))
        throw valueError(`Wrong value for ${PAYMENT_WIZARD}.amount: ${JSON.stringify(amount)}`);
      const date = vals['payment_date'];
      return {
        moves,
        amount: moves.length === 1 ? amount : undefined,
        date: typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : today(ctx.clock),
        communication: typeof vals['communication'] === 'string' ? vals['communication'] : undefined,
        writeOff: vals['payment_difference_handling'] === 'reconcile',
        redirect: env.context['dont_redirect_to_payments'] !== true,
      };
    },
    {
      action_create_payments: (_env, wizard) => {
        const payments = ctx.db.transaction(() => {
          const ids = rowsOf<MoveRow>(ctx.db, 'account_move', wizard.moves).map((move) =>
            pay(ctx, move, wizard.amount ?? move.amount_residual, wizard),
          );
          recomputeMoves(ctx.db, wizard.moves, ctx.clock.now());
          return ids;
        })();
        return wizard.redirect ? paymentsAction(payments) : true;
      },
    },
  );
}
