import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { RunStats } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { verifySync } from '../helpers/verify.js';

describe('companies and contacts, both ways, against the embedded sandbox (HubSpot <-> Odoo)', () => {
  let app: App;
  let cleanup: () => void;
  const run = (name: string): Promise<RunStats> => {
    const sync = app.syncs[name];
    if (sync === undefined) throw new Error(`no ${name}`);
    return runSync(
      { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
    );
  };

  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    app = await openApp(writeTestConfig({ dir: tmp.dir, contacts: 400, companies: 50, pageSize: 50 }), {
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  it('first runs: companies, then contacts; each side gets what it lacks, matches are linked', async () => {
    const companies = await run('companies');
    expect(companies).toMatchObject({ status: 'succeeded', failed: 0 });
    const contacts = await run('contacts');
    expect(contacts).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    expect(contacts.created.erp).toBeGreaterThan(50);
    expect(contacts.created.crm).toBeGreaterThan(10);
    for (const name of ['companies', 'contacts']) {
      const check = await verifySync(app, name, { bothWays: true });
      expect(check.missing, name).toEqual([]);
      expect(check.duplicated, name).toEqual([]);
      expect(check.mismatched, name).toEqual([]);
    }
  });

  it('steady state: five more runs of each sync write nothing to either side', async () => {
    for (let i = 0; i < 5; i++) {
      for (const name of ['companies', 'contacts']) {
        const stats = await run(name);
        expect(stats, `${name} run ${i}`).toMatchObject({
          status: 'succeeded',
          written: { crm: 0, erp: 0 },
          failed: 0,
        });
      }
    }
  });
});
