/**
 * The console's side of the server (fastify inject, a real state store, the sandbox): its files and
 * headers, sign-in and the session cookie, CSRF refusals, expiry and token rotation, and the link
 * of an ambiguous match through the API.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../../src/app.js';
import { runDrift } from '../../../src/drift/drift.js';
import type { SyncControl } from '../../../src/control/control.js';
import { silentLogger } from '../../../src/logger.js';
import { SESSION_IDLE_MS } from '../../../src/server/sessions.js';
import { serveApp, writeContactsConfig } from '../../helpers/server-app.js';
import { tempDir } from '../../helpers/tmp.js';

const HOST = 'tandem.test:8710';

describe('the console: files, sessions and CSRF (fastify inject, the sandbox)', () => {
  const { dir, cleanup } = tempDir();
  let app: App;
  let control: SyncControl;
  let server: FastifyInstance;
  let token = 'console-unit-token';
  let clock = Date.now();
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const config = writeContactsConfig(dir, { contacts: 6, companies: 1 });
    app = await openApp(config, { logger: silentLogger() });
    ({ control, server, close: stop } = await serveApp(app, { token: () => token, now: () => clock }));
  });
  afterAll(async () => {
    await stop();
    await app.close();
    cleanup();
  });

  const signIn = async (): Promise<{ cookie: string; csrf: string }> => {
    const response = await server.inject({
      method: 'POST',
      url: '/console/session',
      headers: { host: HOST },
      payload: { token },
    });
    expect(response.statusCode).toBe(200);
    const set = String(response.headers['set-cookie']);
    return { cookie: set.split(';')[0] ?? '', csrf: (response.json() as { csrf: string }).csrf };
  };
  const pause = (headers: Record<string, string>) =>
    server.inject({ method: 'POST', url: '/api/syncs/contacts/pause', headers: { host: HOST, ...headers } });

  it('serves the console at / with a strict CSP, and only the whitelisted vendor files', async () => {
    const page = await server.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script type="module" src="/console/main.js">');
    expect(page.body).not.toMatch(/<script>|<script type="module">|style=/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await server.inject({ method: 'GET', url: '/console/main.js' })).statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/console/vendor/preact/preact.module.js' })).statusCode).toBe(
      200,
    );
    expect((await server.inject({ method: 'GET', url: '/console/vendor/htm/htm.module.js' })).statusCode).toBe(200);
    for (const url of [
      '/console/vendor/preact/preact.js',
      '/console/vendor/preact/../package.json',
      '/console/vendor/htm/htm.js',
    ])
      expect((await server.inject({ method: 'GET', url })).statusCode, url).not.toBe(200);
    // The API's answers carry the same headers.
    expect((await server.inject({ method: 'GET', url: '/healthz' })).headers['content-security-policy']).toBe(csp);
  });

  it('refuses a wrong token, and a sign-in from another origin', async () => {
    const wrong = await server.inject({ method: 'POST', url: '/console/session', payload: { token: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const cross = await server.inject({
      method: 'POST',
      url: '/console/session',
      headers: { host: HOST, origin: 'https://evil.example' },
      payload: { token },
    });
    expect(cross.statusCode).toBe(403);
  });

  it('a sign-in sets a signed, HttpOnly, SameSite=Strict cookie that reads the API', async () => {
    const response = await server.inject({ method: 'POST', url: '/console/session', payload: { token } });
    const set = String(response.headers['set-cookie']);
    expect(set).toMatch(/^tandem_session=[^;]+\.[^;]+;/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).not.toContain('Max-Age');
    const { cookie } = await signIn();
    expect((await server.inject({ method: 'GET', url: '/api/syncs', headers: { cookie } })).statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/api/syncs' })).statusCode).toBe(401);
    // A forged or tampered cookie is no session.
    const forged = cookie.replace(/=.*$/, '=abc.def');
    expect((await server.inject({ method: 'GET', url: '/api/syncs', headers: { cookie: forged } })).statusCode).toBe(
      401,
    );
    // A HEAD needs what the GET needs.
    expect((await server.inject({ method: 'HEAD', url: '/api/syncs' })).statusCode).toBe(401);
  });

  it('refuses a state change without the CSRF header, with a wrong one, or from another origin', async () => {
    const { cookie, csrf } = await signIn();
    expect((await pause({ cookie })).statusCode).toBe(403);
    expect((await pause({ cookie, 'x-csrf-token': `${csrf}x` })).statusCode).toBe(403);
    expect((await pause({ cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await pause({ cookie, 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect(control.isPaused('contacts')).toBe(false);
    const ok = await pause({ cookie, 'x-csrf-token': csrf, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' });
    expect(ok.statusCode).toBe(200);
    expect(control.isPaused('contacts')).toBe(true);
    control.setPaused('contacts', false);
  });

  it('a session ends when idle too long, when the token rotates, and on sign-out', async () => {
    const first = await signIn();
    clock += SESSION_IDLE_MS + 1;
    expect(
      (await server.inject({ method: 'GET', url: '/console/session', headers: { cookie: first.cookie } })).statusCode,
    ).toBe(401);

    const second = await signIn();
    token = 'rotated-token';
    expect(
      (await server.inject({ method: 'GET', url: '/api/syncs', headers: { cookie: second.cookie } })).statusCode,
    ).toBe(401);

    const third = await signIn();
    const end = await server.inject({
      method: 'POST',
      url: '/console/session/end',
      headers: { host: HOST, cookie: third.cookie, 'x-csrf-token': third.csrf },
    });
    expect(end.statusCode).toBe(200);
    expect(
      (await server.inject({ method: 'GET', url: '/api/syncs', headers: { cookie: third.cookie } })).statusCode,
    ).toBe(401);
  });

  it('links an ambiguous match through the API (bearer): the store holds the link, a second link is refused', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const contact = '1';
    const [a, b] = ['1', '2'];
    await app.store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [],
      ambiguous: [{ sync: 'contacts', side: 'erp', recordId: contact, matchKey: 'email=x', candidates: [a, b] }],
    });
    const detail = await server.inject({
      method: 'GET',
      url: `/api/syncs/contacts/ambiguous-matches/crm:${contact}`,
      headers: auth,
    });
    expect(detail.statusCode).toBe(200);
    expect(
      (detail.json() as { candidates: { id: string; found: boolean }[] }).candidates.map((c) => [c.id, c.found]),
    ).toEqual([
      [a, true],
      [b, true],
    ]);
    const url = `/api/syncs/contacts/ambiguous-matches/crm:${contact}/link`;
    const stranger = await server.inject({ method: 'POST', url, headers: auth, payload: { candidate: '5' } });
    expect(stranger.statusCode).toBe(409);
    expect(stranger.json()).toMatchObject({ error: 'NOT_A_CANDIDATE' });
    const linked = await server.inject({ method: 'POST', url, headers: auth, payload: { candidate: b } });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toEqual({ sync: 'contacts', side: 'crm', crmId: contact, erpId: b });
    expect((await app.store.links('contacts', [contact])).get(contact)?.erp_id).toBe(b);
    expect((await app.store.parked('contacts', 'crm')).map((p) => p.record.id)).toEqual([contact]);
    const again = await server.inject({ method: 'POST', url, headers: auth, payload: { candidate: a } });
    expect(again.statusCode).toBe(409);
  });

  it('lists drift reports, opens one with its rows, and previews a repair before enqueueing it', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const sync = app.syncs['contacts'];
    if (sync === undefined) throw new Error('no contacts sync');
    const ctx = { sync, store: app.store, logger: silentLogger(), signal: new AbortController().signal };
    const drift = await runDrift(ctx, {
      formats: ['json'],
      outDir: app.config.reportsDir,
      scratchDir: path.join(app.config.dataDir, 'scratch'),
    });
    const list = await server.inject({ method: 'GET', url: '/api/reports?sync=contacts', headers: auth });
    expect((list.json() as { reports: { id: number }[] }).reports.map((r) => r.id)).toEqual([drift.id]);
    const opened = await server.inject({ method: 'GET', url: `/api/reports/${drift.id}`, headers: auth });
    const rows = (opened.json() as { rows: { category: string; repairable: boolean }[] }).rows;
    expect(rows.some((r) => r.category === 'missing_counterpart' && r.repairable)).toBe(true);

    const pending = (await app.store.outboxCounts('contacts')).pending;
    const preview = await server.inject({ method: 'POST', url: `/api/reports/${drift.id}/repair`, headers: auth });
    expect(preview.statusCode).toBe(200);
    const plan = preview.json() as { dryRun: boolean; changes: { action: string }[]; enqueued: number };
    expect(plan.dryRun).toBe(true);
    expect(plan.changes.some((c) => c.action === 'create')).toBe(true);
    expect(plan.enqueued).toBe(0);
    expect((await app.store.outboxCounts('contacts')).pending).toBe(pending);
    expect((await app.store.reports('contacts'))[0]?.repaired).toBe(0);

    const done = await server.inject({
      method: 'POST',
      url: `/api/reports/${drift.id}/repair?dryRun=false`,
      headers: auth,
    });
    expect(done.json()).toMatchObject({ dryRun: false });
    expect((done.json() as { enqueued: number }).enqueued).toBeGreaterThan(0);
    expect((await app.store.reports('contacts'))[0]?.repaired).toBe(1);
  });
});
