/** Helpers of the sale.order connector tests: a connector that records its calls, and quote-to-cash steps over RPC. */
import { odooConnector } from '../../../connectors/odoo/index.js';
import type { Connector } from '../../../connectors/types.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { ok } from './jsonrpc.js';
import { SECRET } from './helpers.js';

/** One `execute_kw` the connector sent. */
export interface SentCall {
  readonly model: string;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/** The real connector against `url`, with every `execute_kw` it sends pushed onto `sent`. */
export function recordingConnector(url: string, sent: SentCall[]): Connector {
  const inner = createTransport({ logger: silentLogger(), retry: { limit: 0 } });
  const config = odooConnector.configSchema.parse({ url, db: 'tandem', login: 'admin' });
  return odooConnector.create('erp', config, {
    http: {
      request(request) {
        const params = (request.json as { params?: { service?: string; args?: unknown[] } } | undefined)?.params;
        if (params?.service === 'object' && Array.isArray(params.args)) {
          const [, , , model, method, args, kwargs] = params.args;
          sent.push({
            model: String(model),
            method: String(method),
            args: args as unknown[],
            kwargs: (kwargs ?? {}) as Record<string, unknown>,
          });
        }
        return inner.request(request);
      },
    },
    logger: silentLogger(),
    secret: () => SECRET,
  });
}

/** The id of the product with this SKU. */
export async function productId(url: string, sku: string): Promise<number> {
  const [id] = await ok<number[]>(url, 'product.product', 'search', [[['default_code', '=', sku]]]);
  if (id === undefined) throw new Error(`no product ${sku}`);
  return id;
}

/** The first company partner. */
export async function aCustomer(url: string): Promise<number> {
  const [id] = await ok<number[]>(url, 'res.partner', 'search', [[['is_company', '=', true]]], { limit: 1 });
  if (id === undefined) throw new Error('no company partner');
  return id;
}

/** Invoices confirmed orders (of one customer: one invoice) through the wizard and posts the invoice; answers its id. */
export async function invoiceAndPost(url: string, orderIds: number | readonly number[]): Promise<number> {
  const context = { active_model: 'sale.order', active_ids: typeof orderIds === 'number' ? [orderIds] : orderIds };
  const wizard = await ok<number>(url, 'sale.advance.payment.inv', 'create', [{}], { context });
  const action = await ok<{ res_id: number }>(url, 'sale.advance.payment.inv', 'create_invoices', [[wizard]], {
    context,
  });
  await ok(url, 'account.move', 'action_post', [[action.res_id]]);
  return action.res_id;
}

/** Registers a payment on an invoice (the whole residual when `amount` is absent). */
export async function pay(url: string, invoiceId: number, amount?: number): Promise<void> {
  const context = { active_model: 'account.move', active_ids: [invoiceId] };
  const wizard = await ok<number>(url, 'account.payment.register', 'create', [amount === undefined ? {} : { amount }], {
    context,
  });
  await ok(url, 'account.payment.register', 'action_create_payments', [[wizard]], { context });
}

/** write_date reads to the second: lets one pass. */
export const nextSecond = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1100));
