import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../../src/app.js';
import { TransportError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logger.js';
import { SyncControl } from '../../../src/control/control.js';
import { Metrics } from '../../../src/server/metrics.js';
import { API_VERSION, buildOpenApi } from '../../../src/server/openapi.js';
import { ROUTES } from '../../../src/server/routes-spec.js';
import { deadLetterListSchema, readinessSchema, runStatsSchema, syncListSchema } from '../../../src/server/schemas.js';
import { createServer } from '../../../src/server/server.js';
import { collectStatus } from '../../../src/control/status.js';
import { SilenceWatch } from '../../../src/webhooks/silence.js';
import { tandemSignatureHeader } from '../../../src/webhooks/tandem-hmac.js';
import { createWebhookVerifier } from '../../../src/webhooks/verify.js';
import { writeStandaloneContactsMapping } from '../../helpers/config.js';
import { tempDir } from '../../helpers/tmp.js';
import { seedWorld } from '../../../sandbox/seed.js';

const TOKEN = 'control-api-token-for-tests';
const HOOK_SECRET = 'erp-webhook-secret';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('the HTTP server (fastify inject, a real state store and the sandbox)', () => {
  const { dir, cleanup } = tempDir();
  const lines: Record<string, unknown>[] = [];
  let app: App;
  let control: SyncControl;
  let metrics: Metrics;
  let server: FastifyInstance;
  const abort = new AbortController();

  beforeAll(async () => {
    // One sync is enough here: the contact mapping without its reference to companies.
    const mapping = writeStandaloneContactsMapping(dir);
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(
      config,
      `dataDir: ./data
sandbox: { enabled: true, contacts: 40, companies: 5 }
connectors:
  crm: { kind: hubspot, sandbox: crm, breaker: { failures: 2, halfOpenAfterMs: 600000 } }
  erp: { kind: odoo, sandbox: erp }
syncs:
  contacts: { mapping: ${JSON.stringify(mapping)}, crm: crm, erp: erp, staleAfterMs: 60000 }
`,
    );
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    });
    app = await openApp(config, { logger });
    metrics = new Metrics();
    control = new SyncControl({
      syncs: Object.values(app.syncs),
      store: app.store,
      logger,
      signal: abort.signal,
      dataDir: app.config.dataDir,
      onRunFinished: (_sync, stats, trigger) => metrics.runFinished(stats, trigger),
    });
    const silence = new SilenceWatch(new Map(), logger);
    const verifier = createWebhookVerifier({ scheme: 'hmac-sha256', toleranceMs: 300_000 }, () => HOOK_SECRET);
    server = createServer({
      logger,
      store: app.store,
      control,
      connectors: app.connectors,
      syncs: () => Object.values(app.config.syncs),
      status: () => collectStatus(app),
      metrics,
      silence,
      token: () => TOKEN,
      webhooks: () => new Map([['erp', verifier]]),
      publicUrl: () => undefined,
      version: API_VERSION,
      // Started two minutes ago with no successful run yet: older than staleAfterMs.
      startedAt: Date.now() - 120_000,
    });
    await server.ready();
  });
  afterAll(async () => {
    abort.abort();
    await control.idle();
    await server.close();
    metrics.close();
    await app.close();
    cleanup();
  });

  it('serves every route of the table, and the committed docs/openapi.json is the served document', async () => {
    for (const route of ROUTES) {
      expect(server.hasRoute({ method: route.method, url: route.path }), `${route.method} ${route.path}`).toBe(true);
    }
    const served = await server.inject({ method: 'GET', url: '/openapi.json' });
    expect(served.statusCode).toBe(200);
    const committed = JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8')) as unknown;
    // If this fails: node -e "import('./dist/src/server/openapi.js').then(m=>console.log(JSON.stringify(m.buildOpenApi(m.API_VERSION),null,2)))" > docs/openapi.json
    expect(served.json()).toEqual(committed);
    expect(buildOpenApi(API_VERSION)).toEqual(committed);
    expect(served.json<{ openapi: string }>().openapi).toBe('3.1.0');
  });

  it('asks for the bearer token everywhere but health, readiness, the document and webhooks', async () => {
    expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    for (const route of ROUTES.filter((r) => r.auth === 'bearer')) {
      const url = route.path.replace(':sync', 'contacts');
      const none = await server.inject({ method: route.method, url });
      expect(none.statusCode, `${route.method} ${url}`).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      const wrong = await server.inject({ method: route.method, url, headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.statusCode).toBe(401);
    }
    expect(lines.filter((l) => l['msg'] === 'control API: missing or wrong bearer token').length).toBeGreaterThan(5);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('takes the auth scheme in any letter case (RFC 7235), and still only the right token', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const ok = await server.inject({
        method: 'GET',
        url: '/api/syncs',
        headers: { authorization: `${scheme} ${TOKEN}` },
      });
      expect(ok.statusCode, scheme).toBe(200);
      const wrong = await server.inject({
        method: 'GET',
        url: '/api/syncs',
        headers: { authorization: `${scheme} ${TOKEN}x` },
      });
      expect(wrong.statusCode, scheme).toBe(401);
    }
    const basic = await server.inject({
      method: 'GET',
      url: '/api/syncs',
      headers: { authorization: `Basic ${TOKEN}` },
    });
    expect(basic.statusCode).toBe(401);
  });

  it('reports a stale sync in /readyz until a run succeeds; the API run returns its stats', async () => {
    const before = await server.inject({ method: 'GET', url: '/readyz' });
    expect(before.statusCode).toBe(503);
    const body = readinessSchema.parse(before.json());
    expect(body.checks.find((c) => c.name === 'stale:contacts')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('last never'),
    });
    expect(body.checks.find((c) => c.name === 'state-store')).toEqual({ name: 'state-store', ok: true });

    const run = await server.inject({ method: 'POST', url: '/api/syncs/contacts/run?wait=true', headers: auth });
    expect(run.statusCode).toBe(200);
    // The run's outcome belongs to the pipeline; what matters here is that it ran and was counted.
    const stats = runStatsSchema.parse(run.json());
    // The seeded 40 contacts (sandbox: contacts 40, companies 5) less those without an email: the
    // sync's filter is pushed into HubSpot's search.
    const withEmail = seedWorld({ contacts: 40, companies: 5 }).contacts.filter((c) => c.email !== null);
    expect(stats).toMatchObject({ sync: 'contacts', kind: 'incremental', pulled: { crm: withEmail.length } });
    expect(['succeeded', 'failed']).toContain(stats.status);
    expect((await app.store.lastRun('contacts'))?.status).toBe(stats.status);

    const after = readinessSchema.parse((await server.inject({ method: 'GET', url: '/readyz' })).json());
    expect(after.checks.find((c) => c.name === 'stale:contacts')?.ok).toBe(stats.status === 'succeeded');
    const text = (await server.inject({ method: 'GET', url: '/metrics', headers: auth })).body;
    expect(text).toContain(
      `tandem_runs_total{sync="contacts",kind="incremental",status="${stats.status}",trigger="api"} 1`,
    );
    expect(text).toContain(`tandem_records_pulled_total{sync="contacts",side="crm"} ${withEmail.length}`);
  });

  it('pause is kept in the data folder; scheduled and webhook runs skip a paused sync', async () => {
    const paused = await server.inject({ method: 'POST', url: '/api/syncs/contacts/pause', headers: auth });
    expect(paused.json()).toEqual({ sync: 'contacts', paused: true });
    expect(JSON.parse(fs.readFileSync(path.join(app.config.dataDir, 'paused.json'), 'utf8'))).toEqual({
      paused: ['contacts'],
    });
    expect(await control.scheduled('contacts')).toBeUndefined();
    const list = syncListSchema.parse(
      (await server.inject({ method: 'GET', url: '/api/syncs', headers: auth })).json(),
    );
    expect(list.syncs[0]).toMatchObject({ sync: 'contacts', paused: true, running: false });

    const body = '{"event":"partner.updated","while":"paused"}';
    const hook = await server.inject({
      method: 'POST',
      url: '/webhooks/erp',
      headers: { 'x-tandem-signature': tandemSignatureHeader(HOOK_SECRET, body), 'content-type': 'application/json' },
      payload: body,
    });
    expect(hook.statusCode).toBe(202);
    expect(hook.json()).toEqual({ connector: 'erp', syncs: [] });
    expect(control.isRunning('contacts')).toBe(false);
    // A new SyncControl (a restart) still sees the pause.
    const restarted = new SyncControl({
      syncs: [],
      store: app.store,
      logger: app.logger,
      signal: abort.signal,
      dataDir: app.config.dataDir,
    });
    expect(restarted.isPaused('contacts')).toBe(true);

    const resumed = await server.inject({ method: 'POST', url: '/api/syncs/contacts/resume', headers: auth });
    expect(resumed.json()).toEqual({ sync: 'contacts', paused: false });
    expect((await server.inject({ method: 'POST', url: '/api/syncs/nope/pause', headers: auth })).statusCode).toBe(404);
  });

  it('a verified webhook starts a targeted run; an unverified one gets 401, a log line, and nothing else', async () => {
    const runsBefore = (await app.store.lastRun('contacts'))?.id ?? 0;
    const body = '{"event":"partner.updated"}';
    const bad = await server.inject({
      method: 'POST',
      url: '/webhooks/erp',
      headers: { 'x-tandem-signature': tandemSignatureHeader('wrong-secret', body) },
      payload: body,
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual({ error: 'WEBHOOK_UNVERIFIED', message: 'the request could not be verified' });
    expect(lines.some((l) => l['msg'] === 'webhook rejected' && l['reason'] === 'bad-signature')).toBe(true);
    expect(control.isRunning('contacts')).toBe(false);
    expect((await server.inject({ method: 'POST', url: '/webhooks/crm', payload: body })).statusCode).toBe(404);

    const good = await server.inject({
      method: 'POST',
      url: '/webhooks/erp',
      headers: { 'x-tandem-signature': tandemSignatureHeader(HOOK_SECRET, body) },
      payload: body,
    });
    expect(good.statusCode).toBe(202);
    expect(good.json()).toEqual({ connector: 'erp', syncs: ['contacts'] });
    expect(control.isRunning('contacts')).toBe(true);
    await control.idle();
    expect((await app.store.lastRun('contacts'))?.id).toBe(runsBefore + 1);
    const text = (await server.inject({ method: 'GET', url: '/metrics', headers: auth })).body;
    expect(text).toContain('tandem_webhook_events_total{connector="erp",result="bad-signature"} 1');
    expect(text).toContain('tandem_webhook_events_total{connector="erp",result="accepted"} 2');
    expect(text).toMatch(/tandem_runs_total\{sync="contacts",kind="incremental",status="\w+",trigger="webhook"\} 1/);
  });

  it('coalesces a burst of webhooks into the run in flight plus at most one more', async () => {
    const before = (await app.store.lastRun('contacts'))?.id ?? 0;
    const body = '{"burst":true}';
    // A burst arrives at once: eight deliveries in flight together, as a vendor sends them.
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        server.inject({
          method: 'POST',
          url: '/webhooks/erp',
          headers: { 'x-tandem-signature': tandemSignatureHeader(HOOK_SECRET, `${body}${i}`) },
          payload: `${body}${i}`,
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array.from({ length: 8 }, () => 202));
    await control.idle();
    expect((await app.store.lastRun('contacts'))?.id).toBe(before + 2);
  });

  it('an open circuit makes /readyz fail, naming the connector; lists answer in their documented shape', async () => {
    const circuit = app.connectors['crm']?.circuit;
    for (let i = 0; i < 2; i += 1) {
      await circuit?.policy
        .execute(() => Promise.reject(new TransportError('down', { url: 'x', method: 'GET', cause: 'ECONNRESET' })))
        .catch(() => undefined);
    }
    expect(circuit?.state()).toBe('open');
    const ready = await server.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json<{ checks: unknown[] }>().checks).toContainEqual({
      name: 'circuit:crm',
      ok: false,
      detail: 'the circuit of crm is open',
    });
    const text = (await server.inject({ method: 'GET', url: '/metrics', headers: auth })).body;
    expect(text).toContain('tandem_circuit_state{connector="crm",state="open"} 1');

    await app.store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [
        {
          sync: 'contacts',
          side: 'crm',
          stage: 'map',
          recordId: '77',
          payload: { email: 'x@example.com' },
          error: 'bad',
        },
      ],
      ambiguous: [],
    });
    const letters = await server.inject({ method: 'GET', url: '/api/dead-letters?sync=contacts', headers: auth });
    const listed = deadLetterListSchema.parse(letters.json()).deadLetters;
    expect(listed).toHaveLength(await app.store.countDeadLetters('contacts'));
    expect(listed.map((l) => l.recordId)).toContain('77');
    // The raw body, not the parsed list: the zod object drops unknown keys, so it could not fail.
    expect(letters.body).toContain('"deadLetters"');
    expect(letters.body).not.toContain('"payload"');
    const ambiguous = await server.inject({ method: 'GET', url: '/api/ambiguous-matches', headers: auth });
    expect(ambiguous.json<{ ambiguousMatches: { sync: string }[] }>().ambiguousMatches.length).toBe(
      (await app.store.ambiguousMatches('contacts')).length,
    );
    const conflicts = await server.inject({ method: 'GET', url: '/api/conflicts', headers: auth });
    expect(conflicts.json()).toMatchObject({ conflicts: [] });
    const backfill = await server.inject({
      method: 'POST',
      url: '/api/syncs/contacts/backfill',
      headers: auth,
      payload: '{"since":"yesterday"}',
    });
    expect(backfill.statusCode).toBe(400);
  });
});
