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
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { endpointTally, hubspotEndpoint } from '../endpoint-counts.js';
import { createFaultInjector, dropConnection, sleep } from '../faults.js';
import type { RunningServer, SandboxServerOptions } from '../types.js';
import { HubspotHttpError, errorBody, rateLimited, serverError, unauthorized } from './errors.js';
import { associationStore } from './associations.js';
import { type RateLimitOptions, createRateLimiter } from './rate-limit.js';
import { ADMIN_PREFIX } from './routes/admin.js';
import { registerRoutes } from './routes/register.js';
import { VIEW_PREFIX } from '../record-view.js';
import { seedStore } from './seed-properties.js';
import { openStore } from './store.js';

export { ADMIN_PREFIX } from './routes/admin.js';
export type { RateLimitOptions } from './rate-limit.js';

/** Knobs beyond the shared sandbox options; all optional, HubSpot's Professional limits by default. */
export interface HubspotSandboxTuning {
  readonly rateLimit?: RateLimitOptions;
}

// The writes whose response the lost-response fault may drop: every batch write (objects and
// v4 associations) and the single-record creates, updates, archives and association PUTs.
const WRITE_PATH = /\/batch\/(create|update|upsert|archive|associate\/default)(?:\?|$)/;
const isWrite = (method: string, url: string): boolean =>
  WRITE_PATH.test(url) ||
  (method !== 'GET' && /^\/crm\/v4\/objects\//.test(url)) ||
  (/^\/crm\/v3\/objects\/[^/?]+(?:\/\d+)?(?:\?|$)/.test(url) && ['POST', 'PATCH', 'DELETE'].includes(method));
const SEARCH_PATH = /^\/crm\/v3\/objects\/[^/]+\/search(?:\?|$)/;

/** HubSpot takes a DELETE (or a PUT without specs) that says application/json but sends no body. */
function acceptEmptyJson(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(String(body)) as unknown);
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }), undefined);
    }
  });
}

/** Errors and unknown routes in HubSpot's error body: a vendor error as thrown, bad JSON as VALIDATION_ERROR. */
function answerErrorsAsHubspot(app: FastifyInstance, log: SandboxServerOptions['logger']): void {
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
}

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
  acceptEmptyJson(app);

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
    if (fault.kind === 'lost-response' && isWrite(request.method, request.url)) {
      faults.applied(fault.kind);
      lostResponses.add(request.raw);
    }
  });

  // "Committed but the response was lost": the route ran and wrote; the answer never leaves.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (lostResponses.has(request.raw)) dropConnection(request);
    return payload;
  });

  answerErrorsAsHubspot(app, log);

  // The partial-failure fault, rolled per batch write that reaches its handler (batch create with
  // objectWriteTraceIds, update, upsert: the writes that answer per input).
  registerRoutes(app, {
    store,
    rejectInputs: (count: number) => faults.rejectInputs(count),
    associations: associationStore(store),
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
