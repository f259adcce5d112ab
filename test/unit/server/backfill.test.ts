import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../../src/app.js';
import { silentLogger } from '../../../src/logger.js';
import type { SyncControl } from '../../../src/control/control.js';
import { backfillStatusSchema, errorSchema, runAcceptedSchema } from '../../../src/server/schemas.js';
import { serveApp, writeContactsConfig } from '../../helpers/server-app.js';
import { tempDir } from '../../helpers/tmp.js';

const TOKEN = 'backfill-api-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('the control API for backfills (fastify inject, a real state store and the sandbox)', () => {
  const { dir, cleanup } = tempDir();
  let app: App;
  let control: SyncControl;
  let server: FastifyInstance;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const config = writeContactsConfig(dir, { contacts: 60, companies: 5, sync: 'pageSize: 20' });
    app = await openApp(config, { logger: silentLogger() });
    ({ control, server, close: stop } = await serveApp(app, { token: () => TOKEN, now: () => NOW }));
  });
  afterAll(async () => {
    await stop();
    await app.close();
    cleanup();
  });

  const get = () => server.inject({ method: 'GET', url: '/api/syncs/contacts/backfill', headers: auth });
  const post = (body: unknown) =>
    server.inject({
      method: 'POST',
      url: '/api/syncs/contacts/backfill',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('answers null before any backfill; 401 without the token; 404 for an unknown sync', async () => {
    const none = await get();
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ sync: 'contacts', running: false, backfill: null });
    expect((await server.inject({ method: 'GET', url: '/api/syncs/contacts/backfill' })).statusCode).toBe(401);
    const missing = await server.inject({ method: 'GET', url: '/api/syncs/invoices/backfill', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(errorSchema.parse(missing.json()).error).toBe('NO_SUCH_SYNC');
  });

  it('starts a backfill, watchable while it runs, and shows it done with per-side figures', async () => {
    const accepted = await post({ since: '2000-01-01' });
    expect(accepted.statusCode).toBe(202);
    expect(runAcceptedSchema.parse(accepted.json())).toEqual({
      sync: 'contacts',
      kind: 'backfill',
      accepted: true,
      joined: false,
    });
    expect(backfillStatusSchema.parse((await get()).json()).running).toBe(true);
    await control.idle();

    const status = backfillStatusSchema.parse((await get()).json());
    expect(status.running).toBe(false);
    const b = status.backfill;
    expect(b).toMatchObject({ state: 'done', since: '2000-01-01T00:00:00.000Z', resumes: 0, etaSeconds: 0 });
    expect(b?.sides.crm?.done).toBe(true);
    expect(b?.sides.erp?.done).toBe(true);
    // 60 CRM contacts read; both sides counted (HubSpot total, Odoo search_count), so a total is known.
    expect(b?.sides.crm?.pulled).toBe(60);
    expect(b?.sides.crm?.total).toBe(60);
    expect(b?.total).toBe((b?.sides.crm?.pulled ?? 0) + (b?.sides.erp?.pulled ?? 0));
    expect(b?.written).toBeGreaterThan(0);
    expect(b?.ratePerSecond).toBeGreaterThan(0);
    expect(b?.sides.crm?.cursor?.modifiedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('resumes an unfinished backfill from its cursor, refuses another since (409), and restarts on request', async () => {
    // An interrupted backfill half-way through the CRM side, as a Ctrl-C leaves it.
    const crmCursor = (await get()).json<{ backfill: { sides: { crm: { cursor: unknown } } } }>().backfill.sides.crm
      .cursor;
    const begun = await app.store.backfills.begin({ sync: 'contacts', since: null, restart: false });
    if (begun.outcome !== 'started') throw new Error(begun.outcome);
    const id = begun.backfill.id;
    await app.store.backfills.savePage(id, {
      side: 'crm',
      cursor: { modifiedAt: '2999-01-01T00:00:00.000Z', lastId: null },
      pulled: 40,
      written: { crm: 0, erp: 0 },
    });
    await app.store.backfills.finish(id, 'interrupted', null);

    const conflict = await post({ since: '2024-01-01' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: 'BACKFILL_UNFINISHED' });
    expect(conflict.json<{ message: string }>().message).toContain(`backfill #${id}`);
    expect((await app.store.backfills.latest('contacts'))?.state).toBe('interrupted');

    const resumed = await post({});
    expect(resumed.statusCode).toBe(202);
    expect(resumed.json()).toMatchObject({ resumes: id });
    await control.idle();
    const after = backfillStatusSchema.parse((await get()).json()).backfill;
    // Resumed past every record (the cursor is in the future): nothing more read on the CRM side.
    expect(after).toMatchObject({ id, state: 'done', resumes: 1, sides: { crm: { pulled: 40, done: true } } });
    expect(after?.sides.crm?.cursor).toEqual({ modifiedAt: '2999-01-01T00:00:00.000Z', lastId: null });
    expect(crmCursor).not.toEqual(after?.sides.crm?.cursor);

    const restarted = await post({ since: '2024-01-01', restart: true });
    expect(restarted.statusCode).toBe(202);
    expect(restarted.json()).not.toHaveProperty('resumes');
    await control.idle();
    const fresh = backfillStatusSchema.parse((await get()).json()).backfill;
    expect(fresh).toMatchObject({ id: id + 1, state: 'done', since: '2024-01-01T00:00:00.000Z', resumes: 0 });
  });

  it('refuses a body that is not what the document says', async () => {
    const bad = await post({ restart: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'BAD_REQUEST' });
    const badDate = await post({ since: 'last tuesday' });
    expect(badDate.statusCode).toBe(400);
  });
});
