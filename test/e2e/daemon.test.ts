import { describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { writeTestConfig } from '../helpers/config.js';
import { spawnTandem, tandem } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { verifyContacts } from '../helpers/verify.js';
import { seedWorld } from '../../sandbox/seed.js';

describe('the tandem process against the embedded sandbox', () => {
  it('`tandem run --json` writes the missing partners on the first run and nothing on the second', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = writeTestConfig({ dir, contacts: 500, companies: 60 });
      const first = await tandem(['run', 'contacts', '--config', config, '--json']);
      expect(first.code).toBe(0);
      const stats = JSON.parse(first.stdout) as Record<string, unknown>;
      // The sync's filter (an email is required) is pushed into HubSpot's search: contacts without
      // one are never pulled.
      const withEmail = seedWorld({ contacts: 500, companies: 60 }).contacts.filter((c) => c.email !== null).length;
      expect(withEmail).toBeLessThan(500);
      expect(stats).toMatchObject({ sync: 'contacts', status: 'succeeded', pulled: { crm: withEmail }, failed: 0 });
      expect((stats['written'] as { erp: number }).erp).toBeGreaterThan(300);
      expect(stats['durationMs']).toEqual(expect.any(Number));

      const second = await tandem(['run', 'contacts', '--config', config, '--json']);
      expect(second.code).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ status: 'succeeded', written: { crm: 0, erp: 0 }, failed: 0 });

      const status = await tandem(['status', '--config', config, '--json']);
      expect(status.code).toBe(0);
      const syncs = (JSON.parse(status.stdout) as { syncs: { sync: string }[] }).syncs;
      expect(syncs.find((s) => s.sync === 'contacts')).toMatchObject({
        outbox: { pending: 0, dead: 0 },
        lastRun: { status: 'succeeded' },
      });
      expect(syncs.find((s) => s.sync === 'companies')).toMatchObject({
        outbox: { pending: 0, dead: 0 },
        lastRun: { status: 'succeeded' },
      });
    } finally {
      cleanup();
    }
  });

  it('`tandem start` syncs on start, stops cleanly on SIGTERM mid-run with exit 0, and loses nothing', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = writeTestConfig({
        dir,
        contacts: 2000,
        companies: 300,
        logLevel: 'debug',
        pageSize: 50,
        faults: { latencyMs: 5 },
      });
      const daemon = spawnTandem(['start', '--config', config]);
      await daemon.waitFor((line) => line['msg'] === 'tandem started');
      // Stop it while the first run is under way: after some pages are committed, before the end.
      await daemon.waitFor(
        (line) =>
          line['msg'] === 'page committed' &&
          line['sync'] === 'contacts' &&
          Number((line['cursor'] as { lastId?: string } | undefined)?.lastId ?? 0) > 0,
      );
      daemon.child.kill('SIGTERM');
      const code = await daemon.exited;
      expect(code).toBe(0);
      const finished = daemon.lines.find(
        (line) =>
          line['sync'] === 'contacts' &&
          typeof line['msg'] === 'string' &&
          /^run (succeeded|failed|interrupted)$/.test(line['msg'] as string),
      );
      expect(finished?.['msg']).toBe('run interrupted');
      expect(daemon.lines.some((line) => line['msg'] === 'tandem stopped')).toBe(true);

      // The next start picks up where the first stopped.
      const again = spawnTandem(['start', '--config', config]);
      await again.waitFor((line) => line['msg'] === 'run succeeded' && line['sync'] === 'contacts', 120_000);
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);

      const app = await openApp(config, { logger: silentLogger() });
      try {
        const check = await verifyContacts(app);
        expect(check.expected).toBeGreaterThan(1500);
        expect(check.missing).toEqual([]);
        expect(check.duplicated).toEqual([]);
        expect(check.mismatched).toEqual([]);
        expect(await app.store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 0 });
      } finally {
        await app.close();
      }
    } finally {
      cleanup();
    }
  }, 180_000);
});
