/**
 * The embedded Odoo-compatible ERP: Odoo's external JSON-RPC API (`POST /jsonrpc`) over a
 * SQLite store, with `res.partner` and `res.country`, and quote to cash (products, currencies,
 * sales orders, invoices, payments: see sales.ts), seeded from the shared world on first start.
 * Database `tandem`, login `admin`, password (or API key) = the configured secret.
 *
 * Faults render as they reach a client of a real Odoo behind a reverse proxy: plain-text 5xx
 * pages and 429 with `Retry-After`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { endpointTally } from '../endpoint-counts.js';
import { createFaultInjector } from '../faults.js';
import { renderRecordView, VIEW_PREFIX } from '../record-view.js';
import type { RunningServer, SandboxServerOptions } from '../types.js';
import { COUNTRY, PARTNER } from './fields.js';
import { answerJsonRpc, describeCall, type JsonRpcRoute } from './jsonrpc-route.js';
import { installMergeWizard, MAIL_MESSAGE, WIZARD } from './merge-wizard.js';
import { SqlModel } from './model.js';
import { countryRules, partnerRules } from './partner.js';
import { VERSION_INFO, type RpcOptions } from './rpc.js';
import { installSales } from './sales.js';
import { seedSalesOnce } from './sales-seed.js';
import { PAYMENT_WIZARD } from './sales-wizards.js';
import { createClock, openStore, type Clock, type Db } from './store.js';

/** The database name the sandbox answers to. */
export const ODOO_SANDBOX_DB = 'tandem';
/** The sandbox's only user; `common.authenticate` answers its uid. */
export const ODOO_SANDBOX_LOGIN = 'admin';
/** The admin's uid, as on a fresh Odoo database (uid 1 is OdooBot/__system__). */
export const ODOO_SANDBOX_UID = 2;

/** The models the RPC serves (partners, countries, chatter messages, quote to cash) and the wizards. */
function createRpc(db: Db, clock: Clock, secret: string, world: SandboxServerOptions['world']): RpcOptions {
  const models = new Map<string, SqlModel>();
  const lookup = (name: string): SqlModel | undefined => models.get(name);
  models.set(PARTNER.name, new SqlModel(PARTNER, db, clock, partnerRules, lookup));
  models.set(COUNTRY.name, new SqlModel(COUNTRY, db, clock, countryRules, lookup));
  const merging = installMergeWizard(db, clock, lookup);
  models.set(MAIL_MESSAGE.name, merging.mailMessage);
  const sales = installSales(db, clock, lookup);
  for (const [name, model] of sales.models) models.set(name, model);
  const custom = new Map([[WIZARD, merging.wizard] as const, ...sales.custom]);
  const payments = custom.get(PAYMENT_WIZARD);
  if (payments !== undefined) seedSalesOnce(sales.context, payments, world);
  return {
    database: ODOO_SANDBOX_DB,
    login: ODOO_SANDBOX_LOGIN,
    uid: ODOO_SANDBOX_UID,
    secret: () => secret,
    models,
    custom,
  };
}

/** `model.method` of a JSON-RPC body (a string here: the route parses it itself), or `invalid JSON`. */
function callOf(body: unknown): string {
  try {
    return describeCall(JSON.parse(typeof body === 'string' ? body : ''));
  } catch {
    return 'invalid JSON';
  }
}

/** The routes: a record's page, `/jsonrpc`, and Odoo's health and version endpoints; `count` sees each request. */
function registerRoutes(app: FastifyInstance, route: JsonRpcRoute, count: (endpoint: string) => void): void {
  // Odoo reads the body whatever the content type says; a body that is not JSON is a BadRequest.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get(`${VIEW_PREFIX}:model/:id`, async (request, reply) => {
    count(`GET ${VIEW_PREFIX}`);
    const { model, id } = request.params as { model: string; id: string };
    const found = route.rpc.models.get(model);
    const number = Number(id);
    const [record] = found === undefined || !Number.isInteger(number) ? [] : found.read([number], []);
    return reply
      .code(record === undefined ? 404 : 200)
      .type('text/html; charset=utf-8')
      .send(renderRecordView('Odoo', model, id, record, record?.['active'] === false));
  });

  app.post('/jsonrpc', async (request, reply) => {
    count(callOf(request.body));
    return answerJsonRpc(route, request, reply);
  });

  // Odoo 17's health endpoint, handy for a container's readiness probe.
  app.get('/web/health', async (_request, reply) => reply.type('application/json').send({ status: 'pass' }));
  app.get('/web/webclient/version_info', async (_request, reply) =>
    reply.type('application/json').send({ jsonrpc: '2.0', id: null, result: VERSION_INFO }),
  );
}

/** Starts the server on 127.0.0.1; resolves once it listens. */
export async function startOdooSandbox(options: SandboxServerOptions): Promise<RunningServer> {
  const db = openStore(options.dataDir, options.world);
  const clock = createClock(db);
  const faults = createFaultInjector(options.faults);
  const route: JsonRpcRoute = {
    rpc: createRpc(db, clock, options.secret, options.world),
    clock,
    faults,
    logger: options.logger,
  };

  let received = 0;
  const endpoints = endpointTally();
  const app = Fastify({ logger: false, bodyLimit: 32 * 1024 * 1024 });
  registerRoutes(app, route, (endpoint) => {
    received++;
    endpoints.count(endpoint);
  });

  try {
    await app.listen({ host: '127.0.0.1', port: options.port });
  } catch (error) {
    db.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://127.0.0.1:${port}`;
  options.logger.info({ url, db: ODOO_SANDBOX_DB, login: ODOO_SANDBOX_LOGIN }, 'odoo sandbox listening');
  let closed = false;
  return {
    url,
    requestCount: () => received,
    requestsByEndpoint: () => endpoints.snapshot(),
    faultCounts: () => faults.counts(),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      db.close();
    },
  };
}
