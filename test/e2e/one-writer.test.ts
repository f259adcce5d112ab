import { describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { writeTestConfig } from '../helpers/config.js';
import { spawnTandem, tandem, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { verifyContacts } from '../helpers/verify.js';

const RUNS = 20;

/** Dead letters that a lock or a lost confirmation made, not the data. */
const lockLetters = (letters: readonly { error: string }[]): string[] =>
  letters.map((l) => l.error).filter((e) => /locked|BUSY|LINK_CONFLICT|LEASE/i.test(e));

describe('one writer per sync: the daemon, 20 CLI runs and a drift repair at once, then two daemons', () => {
  it('writes nothing twice, dead-letters nothing for a lock, and keeps every second writer out with a clear message', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = writeTestConfig({
        dir,
        contacts: 600,
        companies: 60,
        schedule: '*/2 * * * * *',
        logLevel: 'info',
      });
      const daemon = spawnTandem(['start', '--config', config]);
      await daemon.waitFor((line) => line['msg'] === 'tandem started');
      const pid = daemon.child.pid ?? 0;

      // While the daemon runs its first (writing) run: half the runs refuse at once, half wait.
      const runs: Promise<CliResult>[] = [];
      for (let i = 0; i < RUNS; i++)
        runs.push(tandem(['run', 'contacts', '--config', config, '--json', ...(i % 2 === 0 ? [] : ['--wait', '80'])]));
      const repair = tandem(['drift', 'contacts', '--config', config, '--repair', '--json', '--wait', '80']);
      const refused = await Promise.all(runs.filter((_, i) => i % 2 === 0));
      for (const run of refused) {
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(
          new RegExp(
            `sync "(companies|contacts)" is held by the daemon \\(tandem start\\), pid ${pid} on \\S+ since \\d{4}-`,
          ),
        );
        expect(run.stderr).toContain('--wait');
      }
      const status = await tandem(['status', '--config', config, '--json']);
      const held = (JSON.parse(status.stdout) as { syncs: { sync: string; lease: unknown }[] }).syncs;
      expect(held.find((s) => s.sync === 'contacts')?.lease).toMatchObject({ purpose: 'daemon', pid });

      // The daemon holds its syncs until it stops; then the waiting commands take turns.
      await daemon.waitFor((line) => line['msg'] === 'run succeeded' && line['sync'] === 'contacts', 60_000);
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
      const waited = await Promise.all(runs.filter((_, i) => i % 2 === 1));
      for (const run of waited) {
        expect(run.stderr).toContain('tandem: waiting for sync');
        expect(run.code, run.stderr.slice(-500)).toBe(0);
        expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
      }
      const repaired = await repair;
      expect(repaired.code, repaired.stderr.slice(-500)).toBe(0);

      // Two daemons on one dataDir: the second is refused, naming the first; a third waits and takes over.
      const first = spawnTandem(['start', '--config', config]);
      await first.waitFor((line) => line['msg'] === 'tandem started');
      const second = await tandem(['start', '--config', config]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(`is held by the daemon \\(tandem start\\), pid ${first.child.pid ?? 0} `),
      );
      const third = spawnTandem(['start', '--config', config, '--wait']);
      await third.waitFor(
        (line) => typeof line['msg'] === 'string' && line['msg'].includes('this daemon takes it over'),
      );
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      await third.waitFor((line) => line['msg'] === 'lease of contacts acquired', 20_000);
      await third.waitFor((line) => line['msg'] === 'run succeeded' && line['sync'] === 'contacts', 30_000);
      third.child.kill('SIGTERM');
      expect(await third.exited).toBe(0);

      const app = await openApp(config, { logger: silentLogger() });
      try {
        const check = await verifyContacts(app);
        expect(check.expected).toBeGreaterThan(200);
        expect(check.missing).toEqual([]);
        expect(check.duplicated).toEqual([]);
        expect(check.duplicatedByEmail).toEqual([]);
        expect(lockLetters(await app.store.deadLetters())).toEqual([]);
        expect(await app.store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 0 });
        expect((await app.store.leases.list()).map((l) => l.owner)).toEqual([null, null]);
      } finally {
        await app.close();
      }
    } finally {
      cleanup();
    }
  }, 150_000);
});
