/**
 * The daemon's HTTP server (fastify): health, metrics, the OpenAPI document, webhooks and the
 * control API, registered from the route table in routes-spec.ts, and the web console (console-web.ts).
 * Routes whose spec says `bearer` need `Authorization: Bearer <token>` (the scheme in any case),
 * compared in constant time, or a console session (sessions.ts) with its CSRF header to change anything.
 */
import crypto from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { consoleHandlers } from './console-routes.js';
import { controlHandlers } from './control-routes.js';
import { csrfRefusal, registerConsole } from './console-web.js';
import type { ServerDeps } from './deps.js';
import { healthHandlers, type Handler } from './health-routes.js';
import { isHttpError } from './http-error.js';
import { ROUTES, type RouteSpec } from './routes-spec.js';
import { SAFE_METHODS } from './sessions.js';
import { runHandlers } from './run-routes.js';
import { webhookHandlers } from './webhook-routes.js';

/** Request bodies larger than this are refused (a webhook batch is far smaller). */
const BODY_LIMIT = 1024 * 1024;

// The auth scheme is case-insensitive and followed by one or more spaces (RFC 7235 section 2.1,
// https://www.rfc-editor.org/rfc/rfc7235#section-2.1): `bearer x` and `BEARER  x` are the same as `Bearer x`.
const BEARER = /^bearer +/i;

function bearerMatches(header: string | undefined, token: string): boolean {
  const scheme = header === undefined ? null : BEARER.exec(header);
  if (header === undefined || scheme === null) return false;
  const given = crypto.createHash('sha256').update(header.slice(scheme[0].length)).digest();
  const expected = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(given, expected);
}

/** Builds the fastify instance (not listening yet). */
export function createServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  // Bodies stay raw text: a webhook signature covers the exact bytes sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const handlers: Record<string, Handler> = {
    ...healthHandlers(deps),
    ...controlHandlers(deps),
    ...consoleHandlers(deps),
    ...runHandlers(deps),
    ...webhookHandlers(deps),
  };
  const specs = new Map<string, RouteSpec>();
  for (const route of ROUTES) {
    const handler = handlers[route.operationId];
    if (handler === undefined) throw new Error(`no handler for ${route.operationId}`);
    specs.set(`${route.method} ${route.path}`, route);
    app.route({ method: route.method, url: route.path, handler });
  }

  const web = registerConsole(app, deps);
  app.addHook('onRequest', async (request, reply) => {
    // HEAD answers as GET does (fastify adds it to every GET route), so it needs what GET needs.
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const spec = specs.get(`${method} ${request.routeOptions.url ?? ''}`);
    if (spec?.auth !== 'bearer') return;
    // The bearer token, when sent, decides alone: it is never sent by a browser on its own.
    const session = request.headers.authorization === undefined ? web.session(request) : undefined;
    if (session === undefined) {
      if (bearerMatches(request.headers.authorization, deps.token())) return;
      deps.logger.warn({ route: spec.path, remote: request.ip }, 'control API: missing or wrong bearer token');
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'UNAUTHORIZED', message: 'send Authorization: Bearer <token>, or sign in to the console' });
      return;
    }
    const refusal = SAFE_METHODS.has(request.method) ? undefined : csrfRefusal(request, session);
    if (refusal !== undefined) {
      deps.logger.warn({ route: spec.path, remote: request.ip }, `console: ${refusal}`);
      await reply.code(403).send({ error: 'CSRF', message: refusal });
    }
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
  app.setErrorHandler(async (error, request, reply) => {
    if (isHttpError(error)) return reply.code(error.status).send({ error: error.code, message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'BAD_REQUEST', message: (error as Error).message });
    }
    deps.logger.error({ err: error, route: request.routeOptions.url }, 'request failed');
    return reply.code(500).send({ error: 'INTERNAL', message: 'the request failed; see the daemon log' });
  });
  return app;
}

/** Starts listening; resolves with the bound address (port 0 picks a free one). */
export async function listen(
  app: FastifyInstance,
  host: string,
  port: number,
): Promise<{ readonly url: string; readonly port: number }> {
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound };
}
