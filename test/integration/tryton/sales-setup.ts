/**
 * What a Tryton database needs before a sale can be quoted, invoiced and paid, set up over RPC as
 * a person does it in the client after `scripts/tryton/server.sh` created the database (which
 * installs `sale` and `account_invoice` but configures no company): a currency, a company the
 * admin user works in, the "Minimal Account Chart" (wizard `account.create_chart`, with its
 * default receivable / payable and category accounts), this year's fiscal year with its move and
 * invoice sequences and periods, a service product category with a revenue account, a cash payment
 * method, and service products (a service needs no warehouse nor shipment).
 *
 * Idempotent: each piece is looked up first and created only when absent. Setup calls go through
 * their own TrytonRpc: the user's company is cached per session by the connector's client.
 */
import { z } from 'zod';
import type { TrytonRpc } from '../../../connectors/tryton/rpc.js';
import { idsSchema, nullSchema, rowsSchema } from '../../../connectors/tryton/schemas.js';

export interface SalesSetup {
  readonly company: number;
  readonly currency: number;
  readonly paymentMethod: number;
  /** Service products, salable, by name. */
  readonly products: Readonly<Record<'consulting' | 'support' | 'training', number>>;
}

const dec = (text: string) => ({ __class__: 'Decimal', decimal: text });
const date = (y: number, m: number, d: number) => ({ __class__: 'date', year: y, month: m, day: d });
const write = { readOnly: false } as const;

async function findOrCreate(
  rpc: TrytonRpc,
  model: string,
  domain: unknown[],
  vals: Record<string, unknown> | (() => Promise<Record<string, unknown>>),
  context: Record<string, unknown> = {},
): Promise<number> {
  const found = await rpc.model(model, 'search', [domain, 0, 1, null], idsSchema, { readOnly: true, context });
  if (found[0] !== undefined) return found[0];
  const [id] = await rpc.model(model, 'create', [[typeof vals === 'function' ? await vals() : vals]], idsSchema, {
    ...write,
    context,
  });
  if (id === undefined) throw new Error(`${model}: create answered no id`);
  return id;
}

async function only(
  rpc: TrytonRpc,
  model: string,
  domain: unknown[],
  context: Record<string, unknown>,
): Promise<number> {
  const ids = await rpc.model(model, 'search', [domain, 0, null, null], idsSchema, { readOnly: true, context });
  if (ids.length !== 1 || ids[0] === undefined)
    throw new Error(`${model} ${JSON.stringify(domain)}: expected one, found ${ids.length}`);
  return ids[0];
}

/** Runs the chart wizard: the minimal chart, then its default accounts as the company's properties. */
async function createChart(rpc: TrytonRpc, company: number, context: Record<string, unknown>): Promise<void> {
  const template = await only(
    rpc,
    'account.account.template',
    [
      ['parent', '=', null],
      ['name', '=', 'Minimal Account Chart'],
    ],
    context,
  );
  const wizard = 'wizard.account.create_chart';
  const [session] = await rpc.call(`${wizard}.create`, [context], z.tuple([z.number(), z.string(), z.string()]), write);
  const account = { company, account_template: template };
  await rpc.call(`${wizard}.execute`, [session, { start: {}, account }, 'create_account', context], z.unknown(), write);
  const flagged = (flag: string) => only(rpc, 'account.account', [[`type.${flag}`, '=', true]], context);
  const properties = {
    company,
    account_receivable: await flagged('receivable'),
    account_payable: await flagged('payable'),
    category_account_revenue: await flagged('revenue'),
    category_account_expense: await flagged('expense'),
  };
  await rpc.call(
    `${wizard}.execute`,
    [session, { start: {}, account, properties }, 'create_properties', context],
    z.unknown(),
    write,
  );
  await rpc.call(`${wizard}.delete`, [session, context], z.unknown(), write);
}

async function fiscalYear(rpc: TrytonRpc, company: number, context: Record<string, unknown>): Promise<void> {
  const year = new Date().getUTCFullYear();
  const found = await rpc.model(
    'account.fiscalyear',
    'search',
    [[['name', '=', String(year)]], 0, 1, null],
    idsSchema,
    {
      readOnly: true,
      context,
    },
  );
  if (found.length > 0) return;
  const type = (name: string) => only(rpc, 'ir.sequence.type', [['name', '=', name]], context);
  const [moves] = await rpc.model(
    'ir.sequence',
    'create',
    [[{ name: 'Moves', sequence_type: await type('Account Move'), company }]],
    idsSchema,
    { ...write, context },
  );
  const [invoices] = await rpc.model(
    'ir.sequence.strict',
    'create',
    [[{ name: 'Invoices', sequence_type: await type('Invoice'), company }]],
    idsSchema,
    { ...write, context },
  );
  const sequences = {
    out_invoice_sequence: invoices,
    out_credit_note_sequence: invoices,
    in_invoice_sequence: invoices,
    in_credit_note_sequence: invoices,
  };
  const fy = await rpc.model(
    'account.fiscalyear',
    'create',
    [
      [
        {
          name: String(year),
          start_date: date(year, 1, 1),
          end_date: date(year, 12, 31),
          company,
          post_move_sequence: moves,
          invoice_sequences: [['create', [sequences]]],
        },
      ],
    ],
    idsSchema,
    { ...write, context },
  );
  await rpc.model('account.fiscalyear', 'create_period', [fy], z.unknown(), { ...write, context });
}

export async function setUpSales(rpc: TrytonRpc, login: string): Promise<SalesSetup> {
  const currency = await findOrCreate(rpc, 'currency.currency', [['code', '=', 'EUR']], {
    name: 'Euro',
    code: 'EUR',
    symbol: '€',
    rounding: dec('0.01'),
    digits: 2,
  });
  const company = await findOrCreate(rpc, 'company.company', [], async () => ({
    party: (await rpc.model('party.party', 'create', [[{ name: 'Tandem Test Company' }]], idsSchema, write))[0],
    currency,
  }));
  const user = await only(rpc, 'res.user', [['login', '=', login]], {});
  await rpc.model('res.user', 'write', [[user], { companies: [['add', [company]]], company }], nullSchema, write);
  const context = { company };
  const charted = await rpc.model('account.account', 'search', [[['type', '!=', null]], 0, 1, null], idsSchema, {
    readOnly: true,
    context,
  });
  if (charted.length === 0) await createChart(rpc, company, context);
  await fiscalYear(rpc, company, context);
  const revenue = await only(rpc, 'account.account', [['type.revenue', '=', true]], context);
  const expense = await only(rpc, 'account.account', [['type.expense', '=', true]], context);
  const category = await findOrCreate(
    rpc,
    'product.category',
    [['name', '=', 'Services']],
    { name: 'Services', accounting: true, account_revenue: revenue, account_expense: expense },
    context,
  );
  const unit = await only(rpc, 'product.uom', [['symbol', '=', 'u']], context);
  const product = async (name: string, price: string): Promise<number> => {
    await findOrCreate(
      rpc,
      'product.template',
      [['name', '=', name]],
      {
        name,
        type: 'service',
        list_price: dec(price),
        default_uom: unit,
        salable: true,
        sale_uom: unit,
        account_category: category,
        products: [['create', [{}]]],
      },
      context,
    );
    return only(rpc, 'product.product', [['template.name', '=', name]], context);
  };
  const paymentMethod = await findOrCreate(
    rpc,
    'account.invoice.payment.method',
    [['name', '=', 'Cash']],
    async () => {
      const cash = await only(rpc, 'account.account', [['name', '=', 'Main Cash']], context);
      return {
        name: 'Cash',
        company,
        journal: await only(rpc, 'account.journal', [['code', '=', 'CASH']], context),
        credit_account: cash,
        debit_account: cash,
      };
    },
    context,
  );
  return {
    company,
    currency,
    paymentMethod,
    products: {
      consulting: await product('Consulting', '12.50'),
      support: await product('Support', '100'),
      training: await product('Training', '40'),
    },
  };
}

/** Pays `amount` of an invoice as a person does: the invoice's Pay wizard (`account.invoice.pay`). */
export async function payInvoice(rpc: TrytonRpc, setup: SalesSetup, invoice: number, amount: string): Promise<void> {
  const today = new Date();
  const context = {
    company: setup.company,
    active_id: invoice,
    active_ids: [invoice],
    active_model: 'account.invoice',
  };
  const wizard = 'wizard.account.invoice.pay';
  const [session] = await rpc.call(`${wizard}.create`, [context], z.tuple([z.number(), z.string(), z.string()]), write);
  const start = {
    payment_method: setup.paymentMethod,
    date: date(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate()),
    amount: dec(amount),
    currency: setup.currency,
    description: 'Payment',
    currency_digits: 2,
    company: setup.company,
  };
  // A partial payment stops at `ask` (keep the rest open: type partial); a full one pays at once.
  const asked = await rpc.call(`${wizard}.execute`, [session, { start }, 'choice', context], z.looseObject({}), write);
  if ('view' in asked) {
    const defaults = z.object({ view: z.object({ defaults: z.looseObject({}) }) }).parse(asked).view.defaults;
    // The ids the wizard chose (lines to reconcile, currencies, ...), not its decoded amount and date
    // nor the rec_name members (`x.`): `start` holds those.
    const ask = Object.fromEntries(
      Object.entries(defaults).filter(([k]) => !k.endsWith('.') && k !== 'amount' && k !== 'date'),
    );
    await rpc.call(
      `${wizard}.execute`,
      [session, { start, ask: { ...ask, type: 'partial' } }, 'pay', context],
      z.unknown(),
      write,
    );
  }
  await rpc.call(`${wizard}.delete`, [session, context], z.unknown(), write);
}

/** The invoices a sale holds. */
export async function invoicesOf(rpc: TrytonRpc, sale: number): Promise<number[]> {
  const [row] = await rpc.model(
    'sale.sale',
    'search_read',
    [[['id', '=', sale]], 0, null, null, ['invoices']],
    rowsSchema,
    { readOnly: true },
  );
  return z.array(z.number()).parse(row?.['invoices']);
}

/** A product as a catalogue lists it: its code (the CRM's SKU), name, list price, and whether it is stocked. */
export interface CatalogProduct {
  readonly code: string;
  readonly name: string;
  readonly price: string;
  readonly type: 'goods' | 'service';
}

/**
 * Salable products with these codes (a template's `code` is its product's code in Tryton 6.0),
 * in the setup's revenue category, sold by the unit; product id by code. Idempotent.
 */
export async function createProducts(
  rpc: TrytonRpc,
  setup: SalesSetup,
  products: readonly CatalogProduct[],
): Promise<Map<string, number>> {
  const context = { company: setup.company };
  const category = await only(rpc, 'product.category', [['name', '=', 'Services']], context);
  const unit = await only(rpc, 'product.uom', [['symbol', '=', 'u']], context);
  const out = new Map<string, number>();
  for (const p of products) {
    await findOrCreate(
      rpc,
      'product.template',
      [['code', '=', p.code]],
      {
        name: p.name,
        code: p.code,
        type: p.type,
        list_price: dec(p.price),
        default_uom: unit,
        salable: true,
        sale_uom: unit,
        account_category: category,
        products: [['create', [{}]]],
      },
      context,
    );
    out.set(p.code, await only(rpc, 'product.product', [['code', '=', p.code]], context));
  }
  return out;
}
