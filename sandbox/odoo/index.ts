/**
 * The embedded Odoo-compatible ERP: Odoo's external JSON-RPC API (`POST /jsonrpc`) over a
 * SQLite store, with `res.partner` and `res.country`, seeded from the shared world on first
 * start. Database `tandem`, login `admin`, password (or API key) = the configured secret.
 *
 * Faults render as they reach a client of a real Odoo behind a reverse proxy: plain-text 5xx
 * pages and 429 with `Retry-After`.
 */
import Fastify, { type FastifyReply } from 'fastify';
import { createFaultInjector, dropConnection, sleep, type FaultDecision } from '../faults.js';
import { renderRecordView, VIEW_PREFIX } from '../record-view.js';
import type { RunningServer, SandboxServerOptions } from '../types.js';
import { COUNTRY, PARTNER } from './fields.js';
import { installMergeWizard, MAIL_MESSAGE, WIZARD } from './merge-wizard.js';
import { SqlModel } from './model.js';
import { countryRules, partnerRules } from './partner.js';
import { handleRpc, VERSION_INFO } from './rpc.js';
import { createClock, openStore } from './store.js';
import { transactionTiming } from './transaction.js';

/** The database name the sandbox answers to. */
export const ODOO_SANDBOX_DB = 'tandem';
/** The sandbox's only user; `common.authenticate` answers its uid. */
export const ODOO_SANDBOX_LOGIN = 'admin';
/** The admin's uid, as on a fresh Odoo database (uid 1 is OdooBot/__system__). */
export const ODOO_SANDBOX_UID = 2;

const PROXY_PAGES: Readonly<Record<number, string>> = {
  500: '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>\n',
  502: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  503: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};

/** Starts the server on 127.0.0.1; resolves once it listens. */
export async function startOdooSandbox(options: SandboxServerOptions): Promise<RunningServer> {
  const db = openStore(options.dataDir, options.world);
  const clock = createClock(db);
  const models = new Map<string, SqlModel>();
  const lookup = (name: string): SqlModel | undefined => models.get(name);
  models.set(PARTNER.name, new SqlModel(PARTNER, db, clock, partnerRules, lookup));
  models.set(COUNTRY.name, new SqlModel(COUNTRY, db, clock, countryRules, lookup));
  const merging = installMergeWizard(db, clock, lookup);
  models.set(MAIL_MESSAGE.name, merging.mailMessage);
  const faults = createFaultInjector(options.faults);
  const rpc = {
    database: ODOO_SANDBOX_DB,
    login: ODOO_SANDBOX_LOGIN,
    uid: ODOO_SANDBOX_UID,
    secret: () => options.secret,
    models,
    custom: new Map([[WIZARD, merging.wizard]]),
  };

  let received = 0;
  const app = Fastify({ logger: false, bodyLimit: 32 * 1024 * 1024 });
  // Odoo reads the body whatever the content type says; a body that is not JSON is a BadRequest.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get(`${VIEW_PREFIX}:model/:id`, async (request, reply) => {
    received++;
    const { model, id } = request.params as { model: string; id: string };
    const found = models.get(model);
    const number = Number(id);
    const [record] = found === undefined || !Number.isInteger(number) ? [] : found.read([number], []);
    return reply
      .code(record === undefined ? 404 : 200)
      .type('text/html; charset=utf-8')
      .send(renderRecordView('Odoo', model, id, record, record?.['active'] === false));
  });

  app.post('/jsonrpc', async (request, reply) => {
    received++;
    const fault = faults.decide();
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (
      fault.kind === 'reset' ||
      fault.kind === 'timeout' ||
      fault.kind === 'rate-limit' ||
      fault.kind === 'server-error'
    )
      faults.applied(fault.kind);
    if (fault.kind === 'reset' || fault.kind === 'timeout') {
      if (fault.kind === 'timeout') await sleep(fault.hangMs);
      dropConnection(request);
      return reply.hijack();
    }
    if (fault.kind === 'rate-limit' || fault.kind === 'server-error') return renderFault(reply, fault);
    let body: unknown;
    try {
      body = JSON.parse(typeof request.body === 'string' ? request.body : '');
    } catch {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send('<!doctype html>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Invalid JSON data</p>\n');
    }
    const started = performance.now();
    // A write's transaction: stamped now (or off by the clock offset), visible after its commit delay.
    const timing = transactionTiming(body, () => faults.commitDelay());
    let response: ReturnType<typeof handleRpc>;
    if (timing === undefined) response = handleRpc(rpc, body);
    else {
      const stamp = clock.stampAt(timing.clockOffsetMs);
      if (timing.commitDelayMs > 0) await sleep(timing.commitDelayMs);
      response = clock.during(stamp, () => handleRpc(rpc, body));
    }
    options.logger.debug(
      { method: describeCall(body), ms: Math.round(performance.now() - started), error: response.error?.data.name },
      'odoo sandbox rpc',
    );
    if (fault.kind === 'lost-response' && WRITE_METHODS.has(describeCall(body).split('.').pop() ?? '')) {
      // The write was applied; its answer never arrives.
      faults.applied(fault.kind);
      dropConnection(request);
      return reply.hijack();
    }
    return reply.code(200).type('application/json').send(JSON.stringify(response));
  });

  // Odoo 17's health endpoint, handy for a container's readiness probe.
  app.get('/web/health', async (_request, reply) => reply.type('application/json').send({ status: 'pass' }));
  app.get('/web/webclient/version_info', async (_request, reply) =>
    reply.type('application/json').send({ jsonrpc: '2.0', id: null, result: VERSION_INFO }),
  );

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
    faultCounts: () => faults.counts(),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      db.close();
    },
  };
}

const WRITE_METHODS = new Set(['create', 'write', 'unlink']);

function renderFault(
  reply: FastifyReply,
  fault: Extract<FaultDecision, { kind: 'rate-limit' | 'server-error' }>,
): FastifyReply {
  if (fault.kind === 'rate-limit') {
    // Odoo itself has no rate limiter; this is what a proxy in front of it (nginx limit_req, a WAF) sends.
    return reply
      .code(429)
      .header('retry-after', String(fault.retryAfterSeconds))
      .type('text/plain; charset=utf-8')
      .send('Too Many Requests\n');
  }
  return reply
    .code(fault.status)
    .type('text/html; charset=utf-8')
    .send(PROXY_PAGES[fault.status] ?? PROXY_PAGES[500]);
}

function describeCall(body: unknown): string {
  const params = (body as { params?: { service?: unknown; method?: unknown; args?: unknown } } | null)?.params;
  if (params?.service === 'object' && Array.isArray(params.args))
    return `${String(params.args[3])}.${String(params.args[4])}`;
  return `${String(params?.service)}.${String(params?.method)}`;
}
