/**
 * The web console's side of the server: its files (built into dist/console by `npm run build`) at
 * `/` and `/console/`, the two vendor modules it imports (preact and htm, whitelisted file by file
 * from node_modules), sign-in and sign-out, and the headers every answer carries (a strict CSP).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from './deps.js';
import { HttpError } from './http-error.js';
import { parseJson } from './parse.js';
import { ConsoleSessions, CSRF_HEADER, SESSION_COOKIE, crossOrigin, sameSecret, type Session } from './sessions.js';

/** No inline script or style, nothing from elsewhere, never framed. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** The package's root: the nearest folder above this file with the package.json (source or dist). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) || dir.endsWith(`${path.sep}dist`)) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('tandem: cannot find the package root above the server module');
    dir = parent;
  }
  return dir;
}

/** The vendor modules the console imports, each served from its own file in node_modules. */
function vendorFiles(): { prefix: string; root: string; file: string }[] {
  const require = createRequire(import.meta.url);
  return [
    { prefix: '/console/vendor/preact/', root: path.dirname(require.resolve('preact')), file: 'preact.module.js' },
    { prefix: '/console/vendor/htm/', root: path.dirname(require.resolve('htm')), file: 'htm.module.js' },
  ];
}

export interface ConsoleWeb {
  readonly sessions: ConsoleSessions;
  /** The live session of a request's cookie, or undefined. */
  session(request: FastifyRequest): Session | undefined;
}

/** Registers the console's routes and headers on `app`. */
export function registerConsole(app: FastifyInstance, deps: ServerDeps): ConsoleWeb {
  const sessions = new ConsoleSessions(deps.now ?? Date.now);
  // Signed with a key of this process only: a restart signs everyone out, as the sessions are gone too.
  void app.register(fastifyCookie, { secret: crypto.randomBytes(32) });
  const root = path.join(packageRoot(), 'dist', 'console');
  const built = fs.existsSync(path.join(root, 'index.html'));
  if (built) {
    void app.register(fastifyStatic, { root, prefix: '/console/', index: false, wildcard: true });
    for (const vendor of vendorFiles())
      void app.register(fastifyStatic, {
        root: vendor.root,
        prefix: vendor.prefix,
        decorateReply: false,
        index: false,
        allowedPath: (pathName) => pathName === `/${vendor.file}`,
      });
  }
  app.get('/', async (_request, reply) => {
    if (!built)
      return reply.code(503).send({ error: 'CONSOLE_NOT_BUILT', message: `no console in ${root}: run npm run build` });
    return reply.type('text/html; charset=utf-8').sendFile('index.html');
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  const web: ConsoleWeb = {
    sessions,
    session(request) {
      const raw =
        request.headers.cookie === undefined ? undefined : app.parseCookie(request.headers.cookie)[SESSION_COOKIE];
      if (raw === undefined) return undefined;
      const unsigned = app.unsignCookie(raw);
      return unsigned.valid && unsigned.value !== null ? sessions.find(unsigned.value, deps.token()) : undefined;
    },
  };
  registerSessionRoutes(app, deps, web);
  return web;
}

function registerSessionRoutes(app: FastifyInstance, deps: ServerDeps, web: ConsoleWeb): void {
  const answer = (reply: FastifyReply, session: Session) =>
    reply
      .header('cache-control', 'no-store')
      .send({ csrf: session.csrf, expiresAt: new Date(web.sessions.expiresAt(session)).toISOString() });
  app.post('/console/session', async (request, reply) => {
    const cross = crossOrigin(request);
    if (cross !== undefined) throw new HttpError(403, 'CROSS_ORIGIN', `sign-in refused: ${cross}`);
    const body = parseJson(request.body);
    const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || !sameSecret(token, deps.token())) {
      deps.logger.warn({ remote: request.ip }, 'console: sign-in with a wrong token');
      throw new HttpError(401, 'UNAUTHORIZED', 'that is not the API token (server.tokenSecret)');
    }
    const session = web.sessions.create(token);
    const secure = request.protocol === 'https' || (deps.publicUrl()?.startsWith('https:') ?? false);
    reply.setCookie(SESSION_COOKIE, session.id, {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
    });
    deps.logger.info({ remote: request.ip }, 'console: signed in');
    return answer(reply, session);
  });
  app.get('/console/session', async (request, reply) => {
    const session = web.session(request);
    if (session === undefined) throw new HttpError(401, 'UNAUTHORIZED', 'not signed in');
    return answer(reply, session);
  });
  app.post('/console/session/end', async (request, reply) => {
    const session = web.session(request);
    if (session !== undefined) {
      const refusal = csrfRefusal(request, session);
      if (refusal !== undefined) throw new HttpError(403, 'CSRF', refusal);
      web.sessions.end(session.id);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { signedOut: true };
  });
}

/** Why a state-changing request with a session is refused (no or wrong CSRF header, another origin). */
export function csrfRefusal(request: FastifyRequest, session: Session): string | undefined {
  const cross = crossOrigin(request);
  if (cross !== undefined) return `refused a request from another origin (${cross})`;
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || !sameSecret(header, session.csrf))
    return `a console request that changes something needs the ${CSRF_HEADER} header of its session`;
  return undefined;
}
