import { describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { RunStats } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { verifyContacts } from '../helpers/verify.js';

const CONTACTS = 600;

/** Runs the contacts sync until a run succeeds with nothing written and nothing pending. */
async function converge(app: App, maxRuns: number): Promise<RunStats[]> {
  const sync = app.syncs['contacts'];
  const companies = app.syncs['companies'];
  if (sync === undefined || companies === undefined) throw new Error('no contacts or companies sync');
  const runs: RunStats[] = [];
  for (let i = 0; i < maxRuns; i++) {
    await runSync(
      { sync: companies, store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
    );
    const stats = await runSync(
      { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
    );
    runs.push(stats);
    if (stats.status === 'succeeded' && stats.written.erp === 0 && stats.pending === 0) return runs;
  }
  return runs;
}

async function requestsToConverge(faults: Record<string, number>): Promise<{
  requests: number;
  faults: Readonly<Record<string, number>>;
  runs: RunStats[];
  app: App;
  close: () => Promise<void>;
}> {
  const { dir, cleanup } = tempDir();
  const config = writeTestConfig({
    dir,
    contacts: CONTACTS,
    companies: 80,
    pageSize: 50,
    faults: { ...faults, hangMs: 600, seed: 11 },
    timeoutMs: 400,
    maxAttempts: 30,
    breaker: { failures: 8, halfOpenAfterMs: 100 },
  });
  const app = await openApp(config, { logger: silentLogger() });
  const runs = await converge(app, 40);
  const requests = (app.sandbox?.crm.requestCount() ?? 0) + (app.sandbox?.erp.requestCount() ?? 0);
  const counts: Record<string, number> = {};
  for (const server of [app.sandbox?.crm, app.sandbox?.erp])
    for (const [kind, n] of Object.entries(server?.faultCounts() ?? {})) counts[kind] = (counts[kind] ?? 0) + n;
  return {
    requests,
    faults: counts,
    runs,
    app,
    close: async () => {
      await app.close();
      cleanup();
    },
  };
}

describe('chaos: 20% of sandbox requests fail in every way the vendors fail', () => {
  it('converges with every contact synced exactly once, no duplicates, no dead letters', async () => {
    const calm = await requestsToConverge({});
    await calm.close();

    // 20% of requests fail on the wire; on top, HubSpot answers 80% of the batch writes that get
    // through with a 207 that rejects some of their inputs (rolled apart: only batch writes have it).
    // A run sends only a few batch writes to HubSpot (2-3 since pages got larger and reads fewer),
    // so at half of them the fault was missed in a quarter of runs: 80% makes missing it rare
    // (under 5%), and the rejected inputs' own retries are rolled again.
    const chaos = await requestsToConverge({
      errorRate: 0.06,
      rateLimitRate: 0.04,
      resetRate: 0.04,
      timeoutRate: 0.02,
      lostResponseRate: 0.04,
      partialFailureRate: 0.8,
    });
    try {
      const last = chaos.runs[chaos.runs.length - 1];
      expect(last).toMatchObject({ status: 'succeeded', written: { erp: 0 }, pending: 0 });
      const check = await verifyContacts(chaos.app);
      expect(check.expected).toBeGreaterThan(500);
      expect(check.missing).toEqual([]);
      expect(check.duplicated).toEqual([]);
      expect(check.duplicatedByEmail).toEqual([]);
      expect(check.mismatched).toEqual([]);
      expect(await chaos.app.store.deadLetters()).toEqual([]);
      const ratio = chaos.requests / calm.requests;
      // Printed for the issue: requests made under chaos per request a calm run needs.
      console.log(
        `chaos: ${chaos.requests} requests vs ${calm.requests} calm (${ratio.toFixed(2)}x), ${chaos.runs.length} runs, faults ${JSON.stringify(chaos.faults)}`,
      );
      // Every kind of fault was met at least once.
      for (const kind of ['server-error', 'rate-limit', 'reset', 'timeout', 'lost-response', 'partial-failure'])
        expect(chaos.faults[kind] ?? 0, kind).toBeGreaterThan(0);
      // The README's figure ("1.27x the requests of a calm run"): faults cost a request-level retry,
      // not a re-run of whole pages. Measured 1.25-1.30x across runs (seeded faults, jittered
      // backoff and timing vary the rest); 1.5 leaves room for that spread and still fails when
      // faults are handled by re-reading and re-sending in bulk.
      expect(ratio).toBeGreaterThan(1);
      expect(ratio).toBeLessThan(1.5);
    } finally {
      await chaos.close();
    }
  }, 240_000);
});
