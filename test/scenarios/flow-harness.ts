/**
 * The quote-to-cash world: the sandbox with the companies, contacts and deals syncs, and the moves
 * people make on either side, over the vendors' own wire protocols: a salesperson wins, edits or
 * loses a deal in HubSpot (v3 objects API); finance confirms, invoices, posts and pays in Odoo 17
 * (JSON-RPC, through the same wizards its web client uses).
 */
import fs from 'node:fs';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { RunStats } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { SANDBOX_SECRETS } from '../../sandbox/index.js';
import { writeTestConfig, type TestConfigOptions } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { ok } from '../integration/odoo/jsonrpc.js';

export type Row = Record<string, unknown>;
export type SyncName = 'companies' | 'contacts' | 'deals';

/** The deal properties the flow writes back (mappings/hubspot-deals-to-odoo-orders.yaml). */
export const BACK_FIELDS = [
  'tandem_order_number',
  'tandem_order_state',
  'tandem_invoice_status',
  'tandem_amount_invoiced',
  'tandem_amount_paid',
  'tandem_amount_due',
  'tandem_payment_state',
  'tandem_paid_date',
] as const;

export interface FlowWorld {
  readonly app: App;
  readonly config: string;
  run(name: SyncName): Promise<RunStats>;
  /** Companies, contacts, then deals; the deals run's stats. */
  runAll(): Promise<RunStats>;
  /** A HubSpot call with the sandbox's token; the parsed body (throws on a status >= 400). */
  hubspot(method: string, path: string, body?: unknown): Promise<Row>;
  /** Odoo `execute_kw` as the admin; the result (throws with Odoo's message on an error). */
  odoo<T = unknown>(model: string, method: string, args: unknown[], kwargs?: Row): Promise<T>;
  /** The deal's properties, the flow's included. */
  deal(id: string): Promise<Row>;
  /** The orders carrying the deal's reference (exactly one, when the flow works). */
  orders(dealId: string): Promise<Row[]>;
  /** The order's lines: product SKU, quantity, unit price, discount, subtotal. */
  lines(orderId: number): Promise<Row[]>;
  /** Moves a deal to a stage of the default pipeline. */
  setStage(dealId: string, stage: string): Promise<void>;
  /** Deals of the seed in `stage` whose company the companies sync has linked. */
  linkedDeals(stage: string): Promise<string[]>;
  confirm(orderId: number): Promise<void>;
  /** Invoices a confirmed order (sale.advance.payment.inv) and posts the invoice; the invoice ids. */
  invoiceAndPost(orderId: number): Promise<number[]>;
  /** Registers a payment of the invoice (its whole residual when no amount is given). */
  pay(invoiceId: number, amount?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * HubSpot's API on the sandbox with its token, as a person's script calls it: the parsed body (throws
 * on a status >= 400 but 429, which it waits out, as HubSpot's secondly limit asks).
 */
export function sandboxHubspot(crmUrl: string): (method: string, path: string, body?: unknown) => Promise<Row> {
  return async (method, path, body) => {
    const send = () =>
      fetch(`${crmUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${SANDBOX_SECRETS.crm.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let response = await send();
    // The sandbox keeps HubSpot's limits (search: 5 a second, shared with the sync's own reads):
    // a person's script waits the second out, as HubSpot's 429 asks.
    for (let tries = 0; response.status === 429 && tries < 10; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      response = await send();
    }
    const text = await response.text();
    if (response.status >= 400) throw new Error(`HubSpot ${method} ${path}: ${response.status} ${text}`);
    return text === '' ? {} : (JSON.parse(text) as Row);
  };
}

/** The properties a test reads of a deal. */
const DEAL_PROPERTIES = ['dealname', 'dealstage', 'amount', 'deal_currency_code', ...BACK_FIELDS];

export interface FlowWorldOptions extends Omit<TestConfigOptions, 'dir' | 'deals'> {
  /** Edits the config's text before the app opens (e.g. a sync's `lookbackSeconds`). */
  readonly configEdit?: (yaml: string) => string;
}

export async function flowWorld(options: FlowWorldOptions = {}): Promise<FlowWorld> {
  const { dir, cleanup } = tempDir();
  const { configEdit, ...configOptions } = options;
  const config = writeTestConfig({ contacts: 200, companies: 60, pageSize: 50, ...configOptions, dir, deals: true });
  if (configEdit !== undefined) fs.writeFileSync(config, configEdit(fs.readFileSync(config, 'utf8')));
  const app = await openApp(config, { logger: silentLogger() });
  const crmUrl = app.sandbox?.crm.url;
  const erpUrl = app.sandbox?.erp.url;
  if (crmUrl === undefined || erpUrl === undefined) throw new Error('the flow world needs the embedded sandbox');

  const hubspot = sandboxHubspot(crmUrl);
  const odoo = <T>(model: string, method: string, args: unknown[], kwargs: Row = {}): Promise<T> =>
    ok<T>(erpUrl, model, method, args, kwargs);
  const run = (name: SyncName): Promise<RunStats> => {
    const sync = app.syncs[name];
    if (sync === undefined) throw new Error(`no sync ${name}`);
    return runSync(
      { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
    );
  };

  const w: FlowWorld = {
    app,
    config,
    run,
    async runAll() {
      await run('companies');
      await run('contacts');
      return run('deals');
    },
    hubspot,
    odoo,
    async deal(id) {
      const body = await hubspot('GET', `/crm/v3/objects/deals/${id}?properties=${DEAL_PROPERTIES.join(',')}`);
      return body['properties'] as Row;
    },
    orders: (dealId) =>
      odoo<Row[]>('sale.order', 'search_read', [[['client_order_ref', '=', `HS-DEAL-${dealId}`]]], {
        fields: ['name', 'state', 'partner_id', 'currency_id', 'amount_untaxed', 'amount_total', 'invoice_status'],
        context: { active_test: false },
      }),
    async lines(orderId) {
      const lines = await odoo<Row[]>('sale.order.line', 'search_read', [[['order_id', '=', orderId]]], {
        fields: ['product_id', 'product_uom_qty', 'price_unit', 'discount', 'price_subtotal'],
      });
      const products = await odoo<Row[]>('product.product', 'search_read', [[]], { fields: ['default_code'] });
      const sku = new Map(products.map((p) => [p['id'], p['default_code']]));
      return lines
        .map((l) => ({
          sku: sku.get((l['product_id'] as [number, string])[0]),
          quantity: l['product_uom_qty'],
          price: l['price_unit'],
          discount: l['discount'],
          subtotal: l['price_subtotal'],
        }))
        .sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
    },
    async setStage(dealId, stage) {
      await hubspot('PATCH', `/crm/v3/objects/deals/${dealId}`, { properties: { dealstage: stage } });
    },
    async linkedDeals(stage) {
      const found: string[] = [];
      let after: string | undefined;
      do {
        const page = await hubspot('POST', '/crm/v3/objects/deals/search', {
          filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ', value: stage }] }],
          sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
          limit: 100,
          ...(after === undefined ? {} : { after }),
        });
        found.push(...(page['results'] as Row[]).map((r) => String(r['id'])));
        after = (page['paging'] as { next?: { after: string } } | undefined)?.next?.after;
      } while (after !== undefined);
      const companies = await hubspot('POST', '/crm/v4/associations/deals/companies/batch/read', {
        inputs: found.map((id) => ({ id })),
      });
      const companyOf = new Map(
        (companies['results'] as Row[]).map((r) => [
          String((r['from'] as Row)['id']),
          String(((r['to'] as Row[])[0] ?? {})['toObjectId']),
        ]),
      );
      const links = await app.store.links('companies', [...companyOf.values()]);
      return found.filter((id) => links.has(companyOf.get(id) ?? ''));
    },
    async confirm(orderId) {
      await odoo('sale.order', 'action_confirm', [[orderId]]);
    },
    async invoiceAndPost(orderId) {
      const context = { active_model: 'sale.order', active_ids: [orderId] };
      const wizard = await odoo<number>(
        'sale.advance.payment.inv',
        'create',
        [{ advance_payment_method: 'delivered' }],
        { context },
      );
      const action = await odoo<{ res_id?: number; domain?: [[string, string, number[]]] }>(
        'sale.advance.payment.inv',
        'create_invoices',
        [[wizard]],
        { context },
      );
      const ids = action.res_id === undefined ? (action.domain?.[0][2] ?? []) : [action.res_id];
      await odoo('account.move', 'action_post', [ids]);
      return ids;
    },
    async pay(invoiceId, amount) {
      const context = { active_model: 'account.move', active_ids: [invoiceId] };
      const wizard = await odoo<number>(
        'account.payment.register',
        'create',
        [amount === undefined ? {} : { amount }],
        { context },
      );
      await odoo('account.payment.register', 'action_create_payments', [[wizard]], { context });
    },
    async close() {
      await app.close();
      cleanup();
    },
  };
  return w;
}

/** Deals the ERP holds an order for: before a first run, the seeded won deals already paid (sandbox/seed/sales.ts). */
export async function seededPaidDeals(w: FlowWorld): Promise<string[]> {
  const orders = await w.odoo<Row[]>('sale.order', 'search_read', [[['client_order_ref', 'like', 'HS-DEAL-']]], {
    fields: ['client_order_ref'],
  });
  return orders.map((o) => String(o['client_order_ref']).slice('HS-DEAL-'.length));
}
