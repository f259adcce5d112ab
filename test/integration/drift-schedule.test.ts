/**
 * The daemon's scheduled drift report with `repair: true`: a partner deleted outright in the ERP
 * (which no incremental run can see) is found by the scheduled scan, its contact's archive is
 * enqueued, and the sync's run delivers it; the report's files and summary are kept.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaemon } from '../../src/daemon/daemon.js';
import { listReports } from '../../state/reports.js';
import { world, type World } from '../scenarios/harness.js';
import { dbOf } from '../helpers/store-db.js';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('scheduled drift reports in the daemon', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({
      contacts: 30,
      configEdit: (yaml) =>
        yaml.replace(
          /(\n {2}contacts:\n)/,
          "$1    drift: { schedule: '*/2 * * * * *', formats: [json, md], repair: true }\n",
        ),
    });
    await w.runBoth();
    await w.runBoth();
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('scans on its schedule, repairs a hard delete through the outbox, and keeps the report', async () => {
    const [link] = [...(await w.app.store.links('contacts', ['1', '2', '3', '4', '5'])).values()];
    if (link === undefined) throw new Error('no linked contact among the first five');
    await w.deleteErp(link.erp_id);
    expect((await w.crm(link.crm_id))?.deleted).toBe(false);

    const stop = new AbortController();
    const daemon = runDaemon(w.app, { signal: stop.signal, handleSignals: false });
    try {
      const archived = await until('the contact archived', async () =>
        (await w.crm(link.crm_id))?.deleted === true ? true : undefined,
      );
      expect(archived).toBe(true);
      const report = await until('a repaired report', async () =>
        (await listReports(dbOf(w.app.store), 'contacts')).find((r) => r.repaired === 1),
      );
      const summary = JSON.parse(report.summary) as { categories: Record<string, number> };
      expect(summary.categories['deleted_one_side']).toBe(1);
      const files = JSON.parse(report.files) as Record<string, string>;
      expect(Object.keys(files).sort()).toEqual(['json', 'md']);
      for (const file of Object.values(files)) expect(fs.existsSync(file)).toBe(true);
      // Later scans find nothing left to repair.
      const clean = await until('a report without the delete', async () =>
        (await listReports(dbOf(w.app.store), 'contacts')).find(
          (r) => r.id > report.id && (JSON.parse(r.summary) as typeof summary).categories['deleted_one_side'] === 0,
        ),
      );
      expect(clean.id).toBeGreaterThan(report.id);
    } finally {
      stop.abort();
      await daemon;
    }
    expect((await w.app.store.outboxCounts('contacts')).pending).toBe(0);
  }, 60_000);
});
