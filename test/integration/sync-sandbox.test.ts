import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { SyncDefinition } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { verifyContacts } from '../helpers/verify.js';

describe('contacts sync against the embedded sandbox (HubSpot -> Odoo)', () => {
  let app: App;
  let cleanup: () => void;
  let sync: SyncDefinition;

  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    app = await openApp(writeTestConfig({ dir: tmp.dir, contacts: 400, companies: 50, pageSize: 50 }), {
      logger: silentLogger(),
    });
    const found = app.syncs['contacts'];
    if (found === undefined) throw new Error('contacts sync missing');
    sync = found;
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  it('creates the missing partners, links the matching ones, and leaves every contact with exactly one partner', async () => {
    const stats = await runSync(
      { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
    );
    expect(stats.status).toBe('succeeded');
    expect(stats.pulled.crm).toBe(400);
    expect(stats.created.erp).toBeGreaterThan(50);
    // The seed's ERP already holds about half of the CRM's people: those are matched by email and updated.
    expect(stats.updated.erp).toBeGreaterThan(50);
    expect(stats.failed).toBe(0);

    const check = await verifyContacts(app);
    expect(check.expected).toBeGreaterThan(300);
    expect(check.missing).toEqual([]);
    expect(check.duplicated).toEqual([]);
    expect(check.mismatched).toEqual([]);
    expect(stats.written.erp).toBe(check.expected);
  });

  it('writes nothing on the second run', async () => {
    const stats = await runSync(
      { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
    );
    expect(stats).toMatchObject({ status: 'succeeded', written: { crm: 0, erp: 0 }, failed: 0 });
  });

  it('a full backfill re-reads every contact and still writes nothing', async () => {
    const stats = await runSync(
      { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'backfill' },
    );
    expect(stats.pulled.crm).toBe(400);
    expect(stats.written.erp).toBe(0);
  });
});
