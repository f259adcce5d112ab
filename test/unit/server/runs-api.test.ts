/**
 * The run history over HTTP (fastify inject, a real state store and the sandbox): `GET /api/runs`
 * and `GET /api/runs/{id}/changes` answer in their documented shapes (the zod schemas the OpenAPI
 * document is made of), personal data named by `log.redact` is redacted in the stored changes, and
 * a run prunes the history to `history.maxChanges` when it ends.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../../src/app.js';
import { SyncControl } from '../../../src/control/control.js';
import { collectStatus } from '../../../src/control/status.js';
import { createLogger } from '../../../src/logger.js';
import { Metrics } from '../../../src/server/metrics.js';
import { API_VERSION } from '../../../src/server/openapi.js';
import { runChangesSchema, runListSchema } from '../../../src/server/run-schemas.js';
import { runStatsSchema } from '../../../src/server/schemas.js';
import { createServer } from '../../../src/server/server.js';
import { SilenceWatch } from '../../../src/webhooks/silence.js';
import { writeStandaloneContactsMapping } from '../../helpers/config.js';
import { tempDir } from '../../helpers/tmp.js';

const TOKEN = 'runs-api-token-for-tests';
const auth = { authorization: `Bearer ${TOKEN}` };
const MAX_CHANGES = 100;

describe('the run history API', () => {
  const { dir, cleanup } = tempDir();
  let app: App;
  let control: SyncControl;
  let metrics: Metrics;
  let server: FastifyInstance;
  const abort = new AbortController();

  beforeAll(async () => {
    const mapping = writeStandaloneContactsMapping(dir);
    const config = path.join(dir, 'config.yaml');
    fs.writeFileSync(
      config,
      `dataDir: ./data
log: { level: silent, redact: ['*.email', 'fields.phone'] }
history: { keepDays: 30, maxChanges: ${MAX_CHANGES} }
sandbox: { enabled: true, contacts: 300, companies: 5 }
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
syncs:
  contacts: { mapping: ${JSON.stringify(mapping)}, crm: crm, erp: erp }
`,
    );
    const logger = createLogger({ level: 'silent' });
    app = await openApp(config, { logger });
    metrics = new Metrics();
    control = new SyncControl({
      syncs: Object.values(app.syncs),
      store: app.store,
      logger,
      signal: abort.signal,
      dataDir: app.config.dataDir,
    });
    server = createServer({
      logger,
      store: app.store,
      control,
      connectors: app.connectors,
      syncs: () => Object.values(app.config.syncs),
      status: () => collectStatus(app),
      metrics,
      silence: new SilenceWatch(new Map(), logger),
      token: () => TOKEN,
      webhooks: () => new Map(),
      publicUrl: () => undefined,
      version: API_VERSION,
      startedAt: Date.now(),
    });
    await server.ready();
  }, 60_000);
  afterAll(async () => {
    abort.abort();
    await control.idle();
    await server.close();
    metrics.close();
    await app.close();
    cleanup();
  });

  it('lists runs and one run’s changes in their documented shapes, redacted, pruned to maxChanges', async () => {
    const ran = await server.inject({ method: 'POST', url: '/api/syncs/contacts/run?wait=true', headers: auth });
    const stats = runStatsSchema.parse(ran.json());
    const written = stats.created.crm + stats.created.erp + stats.updated.crm + stats.updated.erp;
    // More changes than the history keeps: the run's end pruned it to the newest MAX_CHANGES.
    expect(written).toBeGreaterThan(MAX_CHANGES);

    const list = await server.inject({ method: 'GET', url: '/api/runs?sync=contacts', headers: auth });
    expect(list.statusCode).toBe(200);
    const { runs } = runListSchema.parse(list.json());
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run).toMatchObject({ sync: 'contacts', kind: 'incremental', status: stats.status });
    expect(run?.stats?.created).toEqual(stats.created);

    const response = await server.inject({ method: 'GET', url: `/api/runs/${run?.id}/changes`, headers: auth });
    expect(response.statusCode).toBe(200);
    const { changes } = runChangesSchema.parse(response.json());
    expect(changes).toHaveLength(MAX_CHANGES);
    expect(changes.every((c) => c.delivery === 'done' && c.recordId !== null)).toBe(true);
    const emails = changes.flatMap((c) => c.fields.filter((f) => f.field === 'email'));
    expect(emails.length).toBeGreaterThan(0);
    expect(emails.every((f) => f.from === '[redacted]' && f.to === '[redacted]')).toBe(true);
    const names = changes.flatMap((c) => c.fields.filter((f) => f.field === 'lastname' || f.field === 'name'));
    expect(names.some((f) => typeof f.to === 'string' && f.to !== '[redacted]')).toBe(true);

    const one = changes[0];
    const narrowed = await server.inject({
      method: 'GET',
      url: `/api/runs/${run?.id}/changes?record=${one?.recordId ?? ''}`,
      headers: auth,
    });
    // Either side's id: CRM and ERP ids may coincide, so a change from a record of that id is listed too.
    const found = runChangesSchema.parse(narrowed.json()).changes;
    expect(found.map((c) => c.id)).toContain(one?.id);
    expect(found.every((c) => c.recordId === one?.recordId || c.sourceId === one?.recordId)).toBe(true);
    expect(found.length).toBeLessThan(changes.length);
  }, 60_000);

  it('answers 404 for a run not there, 400 for a bad id, and 401 without the token', async () => {
    const missing = await server.inject({ method: 'GET', url: '/api/runs/9999/changes', headers: auth });
    expect([missing.statusCode, missing.json<{ error: string }>().error]).toEqual([404, 'NO_SUCH_RUN']);
    const bad = await server.inject({ method: 'GET', url: '/api/runs/latest/changes', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toContain('path: id');
    expect((await server.inject({ method: 'GET', url: '/api/runs' })).statusCode).toBe(401);
  });
});
