import { describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { prng } from '../../sandbox/seed.js';
import { writeTestConfig } from '../helpers/config.js';
import { spawnTandem, tandem } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { verifyContacts } from '../helpers/verify.js';
import { dbOf } from '../helpers/store-db.js';

const KILLS = 20;

describe('crash test: the real daemon killed with SIGKILL at random moments', () => {
  it(`loses nothing and doubles nothing over ${KILLS} kills and restarts`, async () => {
    const { dir, cleanup } = tempDir();
    try {
      // 5,000 contacts, small pages and a little latency so that kills land mid-run, mid-page and mid-write.
      const config = writeTestConfig({
        dir,
        contacts: 5000,
        companies: 400,
        pageSize: 40,
        logLevel: 'info',
        schedule: '*/1 * * * * *',
        faults: { latencyMs: 4 },
      });
      const random = prng(2026);
      let killedMidRun = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const daemon = spawnTandem(['start', '--config', config]);
        await daemon.waitFor((line) => line['msg'] === 'tandem started', 60_000);
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(random() * 1200)));
        // Mid-run: more runs started than ended (companies run first and end fast; contacts may be
        // in flight after that).
        const count = (test: (msg: string) => boolean): number =>
          daemon.lines.filter((line) => test(String(line['msg']))).length;
        const ended = /^run (succeeded|failed|paused|interrupted|skipped)$/;
        if (count((m) => m === 'run started') > count((m) => ended.test(m))) killedMidRun++;
        daemon.child.kill('SIGKILL');
        expect(await daemon.exited).toBeNull();
      }
      expect(killedMidRun).toBeGreaterThanOrEqual(KILLS / 2);

      // After the last kill: runs until one writes nothing.
      let written = -1;
      for (let i = 0; i < 5 && written !== 0; i++) {
        const run = await tandem(['run', 'contacts', '--config', config, '--json']);
        expect(run.code).toBe(0);
        written = (JSON.parse(run.stdout) as { written: { erp: number } }).written.erp;
      }
      expect(written).toBe(0);

      const app = await openApp(config, { logger: silentLogger() });
      try {
        const check = await verifyContacts(app);
        expect(check.expected).toBeGreaterThan(4500);
        expect(check.missing).toEqual([]);
        expect(check.duplicated).toEqual([]);
        expect(check.duplicatedByEmail).toEqual([]);
        expect(check.mismatched).toEqual([]);
        expect(await app.store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 0 });
        expect(await app.store.deadLetters()).toEqual([]);
        const interrupted = await dbOf(app.store)
          .selectFrom('runs')
          .select('id')
          .where('status', '=', 'interrupted')
          .execute();
        expect(interrupted.length).toBeGreaterThanOrEqual(KILLS / 2);
      } finally {
        await app.close();
      }
    } finally {
      cleanup();
    }
  }, 400_000);
});
