/**
 * The embedded HubSpot-compatible CRM: a fastify server on 127.0.0.1 that speaks the CRM v3
 * wire protocol (objects, search, batch, properties) over a SQLite store, with HubSpot's bearer
 * auth, error bodies, rate limits and headers, and the configured faults. It is the first thing
 * a new user syncs against, so it follows HubSpot's documentation rather than convenience.
 *
 * @example
 *   const crm = await startHubspotSandbox({ dataDir, port: 0, world: seedWorld(), secret: 'token', logger });
 *   // GET `${crm.url}/crm/v3/objects/contacts` with `Authorization: Bearer token`
 *   await crm.close();
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError } from 'fastify';
import { endpointTally, hubspotEndpoint } from '../endpoint-counts.js';
import { createFaultInjector, dropConnection, sleep } from '../faults.js';
import type { RunningServer, SandboxServerOptions } from '../types.js';
import { HubspotHttpError, errorBody, rateLimited, serverError, unauthorized } from './errors.js';
import { type RateLimitOptions, createRateLimiter } from './rate-limit.js';
import { ADMIN_PREFIX, registerAdminRoutes } from './routes/admin.js';
import { objectParam } from './routes/common.js';
import { renderRecordView, VIEW_PREFIX } from '../record-view.js';
import { registerBatchRoutes } from './routes/batch.js';
import { registerMergeRoute } from './routes/merge.js';
import { registerObjectRoutes } from './routes/objects.js';
import { registerPropertyRoutes } from './routes/properties.js';
import { registerSearchRoute } from './routes/search.js';
import { seedStore } from './seed-properties.js';
import { openStore } from './store.js';

export { ADMIN_PREFIX } from './routes/admin.js';
export type { RateLimitOptions } from './rate-limit.js';

/** Knobs beyond the shared sandbox options; all optional, HubSpot's Professional limits by default. */
export interface HubspotSandboxTuning {
  readonly rateLimit?: RateLimitOptions;
}

const WRITE_PATH = /\/batch\/(create|update|upsert|archive)(?:\?|$)/;
const SEARCH_PATH = /^\/crm\/v3\/objects\/[^/]+\/search(?:\?|$)/;

/** Starts the server; resolves once it listens. Seeds `hubspot.sqlite` on the first start only. */
export async function startHubspotSandbox(
  options: SandboxServerOptions,
  tuning: HubspotSandboxTuning = {},
): Promise<RunningServer> {
  const store = openStore(options.dataDir);
  const seeded = seedStore(store, options.world);
  const limiter = createRateLimiter(tuning.rateLimit);
  const faults = createFaultInjector(options.faults);
  if ((options.faults?.searchIndexLagMs ?? 0) > 0) store.setSearchIndexLag(() => faults.searchIndexLag());
  const lostResponses = new WeakSet<object>();
  const log = options.logger;
  let received = 0;
  const endpoints = endpointTally();
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });

  app.addHook('onRequest', async (request, reply) => {
    received++;
    endpoints.count(hubspotEndpoint(request.method, request.url));
    if (request.url.startsWith(VIEW_PREFIX)) return; // read-only record pages for report links
    if (request.headers.authorization !== `Bearer ${options.secret}`) throw unauthorized();
    if (request.url.startsWith(ADMIN_PREFIX)) return;
    const decision = limiter.admit(SEARCH_PATH.test(request.url) ? 'search' : 'general');
    reply.headers(decision.headers);
    if (decision.rejection !== undefined) throw decision.rejection;
    const fault = faults.decide();
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.kind !== 'none' && fault.kind !== 'lost-response') faults.applied(fault.kind);
    if (fault.kind === 'server-error') throw serverError(fault.status);
    // An injected 429 is a brief per-second burst (policyName SECONDLY), without Retry-After as
    // HubSpot sends it; the window headers set above go with it.
    if (fault.kind === 'rate-limit') throw rateLimited('SECONDLY');
    if (fault.kind === 'reset' || fault.kind === 'timeout') {
      if (fault.kind === 'timeout') await sleep(fault.hangMs);
      dropConnection(request);
      return reply.hijack();
    }
    if (fault.kind === 'lost-response' && WRITE_PATH.test(request.url)) {
      faults.applied(fault.kind);
      lostResponses.add(request.raw);
    }
  });

  // "Committed but the response was lost": the route ran and wrote; the answer never leaves.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (lostResponses.has(request.raw)) dropConnection(request);
    return payload;
  });

  app.setErrorHandler((error: FastifyError | HubspotHttpError, request, reply) => {
    if (error instanceof HubspotHttpError) {
      void reply.headers(error.headers).code(error.statusCode).send(error.body);
      return;
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      void reply.code(status).send(errorBody('VALIDATION_ERROR', `Invalid input JSON: ${error.message}`));
      return;
    }
    log.error({ err: error, url: request.url }, 'hubspot sandbox: unexpected error');
    void reply.code(500).send(errorBody('INTERNAL_ERROR', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(errorBody('OBJECT_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`));
  });

  // The partial-failure fault, rolled per batch write that reaches its handler (batch create with
  // objectWriteTraceIds, update, upsert: the writes that answer per input).
  const ctx = { store, rejectInputs: (count: number) => faults.rejectInputs(count) };
  registerMergeRoute(app, ctx);
  registerObjectRoutes(app, ctx);
  registerSearchRoute(app, ctx);
  registerBatchRoutes(app, ctx);
  registerPropertyRoutes(app);
  registerAdminRoutes(app, ctx);
  app.get(`${VIEW_PREFIX}:object/:id`, async (request, reply) => {
    const object = objectParam(request.params);
    const id = (request.params as { id: string }).id;
    const number = Number(id);
    const record = Number.isInteger(number)
      ? (store.get(object, number) ?? store.get(object, number, true))
      : undefined;
    return reply
      .code(record === undefined ? 404 : 200)
      .type('text/html; charset=utf-8')
      .send(renderRecordView('HubSpot', object, id, record?.properties, record?.archived === true));
  });

  try {
    await app.listen({ host: '127.0.0.1', port: options.port });
  } catch (error) {
    store.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  log.info({ url, records: store.count(), seeded }, 'hubspot sandbox listening');
  return {
    url,
    requestCount: () => received,
    requestsByEndpoint: () => endpoints.snapshot(),
    faultCounts: () => faults.counts(),
    async close() {
      await app.close();
      store.close();
    },
  };
}
