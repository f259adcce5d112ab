/**
 * Puts the seed's products and orders (sandbox/seed/sales.ts) into a new Odoo store through the
 * models and wizards a client uses, each step stamped at its seeded time (`Clock.during`), so that
 * the amounts, names, states and write dates are the ones Odoo would have and the same on every
 * machine.
 */
import { SEED_EPOCH, type SeedWorld } from '../seed.js';
import { seedSales, type SeedOrder } from '../seed/sales.js';
import { createInvoices } from './order-invoicing.js';
import type { CustomModel } from './merge-wizard.js';
import { decimal, roundTo, toNumber } from './money.js';
import type { Env } from './model.js';
import { INTERNAL_ENV, type SalesContext } from './sales-context.js';
import { odooDatetime, odooStamp } from './store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The orders start two weeks after the seed's epoch. */
const START = SEED_EPOCH + 14 * DAY;

function idOf(ctx: SalesContext, sql: string, ...params: unknown[]): number {
  const row = ctx.db.prepare(sql).get(...params) as { id: number } | undefined;
  if (row === undefined) throw new Error(`sales seed: nothing found for ${sql} ${JSON.stringify(params)}`);
  return row.id;
}

function call(
  ctx: SalesContext,
  model: string,
  method: string,
  ids: readonly number[],
  env: Env = INTERNAL_ENV,
): unknown {
  const action = ctx.model(model).method(method);
  if (action === undefined) throw new Error(`sales seed: ${model} has no ${method}`);
  return action(env, ids, []);
}

function registerPayment(wizard: CustomModel, invoice: number, amount: number | undefined): void {
  const env: Env = { uid: INTERNAL_ENV.uid, context: { active_model: 'account.move', active_ids: [invoice] } };
  const id = wizard.call(env, 'create', [amount === undefined ? {} : { amount }], {});
  wizard.call(env, 'action_create_payments', [[id]], {});
}

function placeOrder(ctx: SalesContext, payments: CustomModel, world: SeedWorld, order: SeedOrder): void {
  const at = (offsetMs: number, fn: () => unknown): unknown =>
    ctx.clock.during(odooStamp(order.placedAt + offsetMs), fn);
  const company = world.companies[order.company];
  const partner = idOf(ctx, 'SELECT id FROM res_partner WHERE is_company = 1 AND name = ? ORDER BY id', company?.name);
  // The order's currency comes from its pricelist, as Odoo 17 computes it: the first pricelist in it.
  const pricelist = idOf(
    ctx,
    'SELECT p.id FROM product_pricelist p JOIN res_currency c ON c.id = p.currency_id WHERE c.name = ? ORDER BY p.sequence, p.id',
    order.currency,
  );
  const lines = order.lines.map((line) => [
    0,
    0,
    {
      product_id: idOf(ctx, 'SELECT id FROM product_product WHERE default_code = ?', line.sku),
      product_uom_qty: line.quantity,
      discount: line.discount,
    },
  ]);
  const [id] = at(0, () =>
    ctx.model('sale.order').create([
      {
        partner_id: partner,
        pricelist_id: pricelist,
        date_order: odooDatetime(order.placedAt),
        order_line: lines,
        ...(order.reference === null ? {} : { client_order_ref: order.reference }),
      },
    ]),
  ) as number[];
  if (id === undefined) return;
  if (order.stage === 'quotation') return;
  if (order.stage === 'cancelled') {
    at(HOUR, () => call(ctx, 'sale.order', 'action_cancel', [id]));
    return;
  }
  at(2 * HOUR, () => call(ctx, 'sale.order', 'action_confirm', [id]));
  if (order.stage === 'confirmed') return;
  const invoices = at(DAY, () => ctx.db.transaction(() => createInvoices(ctx, [id], true))()) as number[];
  at(DAY + HOUR, () => call(ctx, 'account.move', 'action_post', invoices));
  if (order.stage === 'invoiced') return;
  for (const invoice of invoices) {
    const total = (
      ctx.db.prepare('SELECT amount_total FROM account_move WHERE id = ?').get(invoice) as { amount_total: number }
    ).amount_total;
    const half = toNumber(roundTo(decimal(total) / 2n, decimal(0.01)));
    at(10 * DAY, () => registerPayment(payments, invoice, order.stage === 'partly-paid' ? half : undefined));
  }
}

/** Seeds products and orders once, on a store that has no product yet. */
export function seedSalesOnce(ctx: SalesContext, payments: CustomModel, world: SeedWorld): void {
  const count = ctx.db.prepare('SELECT COUNT(*) AS n FROM product_product').get() as { n: number };
  if (count.n > 0) return;
  const sales = seedSales(world, START);
  ctx.db.transaction(() => {
    ctx.clock.during(odooStamp(SEED_EPOCH), () =>
      ctx.model('product.product').create(
        sales.products.map((p) => ({
          name: p.name,
          default_code: p.sku,
          list_price: Number(p.price),
          type: p.type,
          invoice_policy: 'order',
        })),
      ),
    );
    for (const order of sales.orders) placeOrder(ctx, payments, world, order);
  })();
}
