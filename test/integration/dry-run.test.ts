/**
 * `--dry-run` in the pipeline: planSync reads, reconciles and plans like a run, hands each page's
 * planned writes over with their field diffs, and leaves both systems and the state store as they
 * were: the real run that follows still finds and writes the same change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlannedChange } from '../../src/pipeline/plan-writes.js';
import { planSync } from '../../src/pipeline/dry-run.js';
import { openApp } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { world, tick, type World } from '../scenarios/harness.js';

describe('dry run of a sync against the sandbox', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ contacts: 30 });
    await w.runBoth();
    await w.runBoth();
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('plans an edit with its field diff, writes nothing, and the real run then writes the same', async () => {
    const [link] = [...(await w.app.store.links('contacts', ['1', '2', '3', '4', '5'])).values()];
    if (link === undefined) throw new Error('no linked contact among the first five');
    const before = await w.erp(link.erp_id);
    await tick();
    await w.editCrm(link.crm_id, { city: 'Planned City' });
    const checkpoints = await w.app.store.checkpoints();
    const runs = await w.app.store.lastRun('contacts');

    const seen: PlannedChange[] = [];
    const outcome = await planSync(
      { sync: w.contacts, store: w.app.store, logger: w.app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
      (page) => seen.push(...page),
    );
    expect(seen).toEqual([
      {
        side: 'erp',
        action: 'update',
        targetId: link.erp_id,
        sourceId: link.crm_id,
        fields: [{ field: 'city', from: before?.fields['city'] ?? null, to: 'Planned City' }],
      },
    ]);
    expect(outcome.stats.updated.erp).toBe(1);
    expect(outcome.stats.status).toBe('succeeded');
    // Nothing moved: the ERP record, the checkpoints, the outbox, the run history.
    expect((await w.erp(link.erp_id))?.fields['city']).toBe(before?.fields['city']);
    expect(await w.app.store.checkpoints()).toEqual(checkpoints);
    expect((await w.app.store.outboxCounts('contacts')).pending).toBe(0);
    expect((await w.app.store.lastRun('contacts'))?.id).toBe(runs?.id);

    const real = await w.run('contacts');
    expect(real.updated.erp).toBe(1);
    expect((await w.erp(link.erp_id))?.fields['city']).toBe('Planned City');
  });
});

describe('dry run and the circuit breakers', () => {
  it('a dry run against a failing vendor saves no breaker state; a real run does', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = writeTestConfig({
        dir,
        contacts: 10,
        companies: 2,
        faults: { errorRate: 1 },
        maxAttempts: 1,
        breaker: { failures: 1, halfOpenAfterMs: 60_000 },
      });
      for (const persistBreakers of [false, true]) {
        const app = await openApp(config, { logger: silentLogger(), persistBreakers });
        try {
          const sync = app.syncs['companies'];
          if (sync === undefined) throw new Error('no companies sync');
          const ctx = { sync, store: app.store, logger: app.logger, signal: new AbortController().signal };
          await expect(planSync(ctx, { kind: 'incremental' }, () => undefined)).rejects.toThrow();
          // Saving is asynchronous: let it land before looking.
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect((await app.store.breakers()).length > 0).toBe(persistBreakers);
        } finally {
          await app.close();
        }
      }
    } finally {
      cleanup();
    }
  }, 60_000);
});
