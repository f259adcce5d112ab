/**
 * The run history over HTTP (fastify inject, a real state store and the sandbox): `GET /api/runs`
 * and `GET /api/runs/{id}/changes` answer in their documented shapes (the zod schemas the OpenAPI
 * document is made of), personal data named by `log.redact` is redacted in the stored changes, and
 * a run prunes the history to `history.maxChanges` when it ends.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../../src/app.js';
import { silentLogger } from '../../../src/logger.js';
import { runChangesSchema, runListSchema } from '../../../src/server/run-schemas.js';
import { runStatsSchema } from '../../../src/server/schemas.js';
import { serveApp, writeContactsConfig } from '../../helpers/server-app.js';
import { tempDir } from '../../helpers/tmp.js';

const TOKEN = 'runs-api-token-for-tests';
const auth = { authorization: `Bearer ${TOKEN}` };
const MAX_CHANGES = 100;

describe('the run history API', () => {
  const { dir, cleanup } = tempDir();
  let app: App;
  let server: FastifyInstance;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const config = writeContactsConfig(dir, {
      contacts: 300,
      companies: 5,
      head: `log: { level: silent, redact: ['*.email', 'fields.phone'] }\nhistory: { keepDays: 30, maxChanges: ${MAX_CHANGES} }\n`,
    });
    app = await openApp(config, { logger: silentLogger() });
    ({ server, close: stop } = await serveApp(app, { token: () => TOKEN }));
  }, 60_000);
  afterAll(async () => {
    await stop();
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
