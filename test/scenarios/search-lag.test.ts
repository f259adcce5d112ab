/**
 * HubSpot's search index lags writes, by a different amount for each: a change can become
 * searchable after a later one, dated by its true `lastmodifieddate`, behind a cursor already
 * saved. The CRM connector's settle window keeps the checkpoint that far behind HubSpot's clock,
 * so a change indexed within the window is read by the next run; one indexed later than that is
 * not, and the drift scan finds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrift } from '../../src/drift/drift.js';
import type { DriftReport } from '../../src/drift/report-schema.js';
import { linksAfter } from '../../state/links.js';
import { tempDir } from '../helpers/tmp.js';
import { world, type World } from './harness.js';
import { dbOf } from '../helpers/store-db.js';

const SETTLE_SECONDS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HubSpot search index lag against the settle window', () => {
  let w: World;
  let links: { crm: string; erp: string }[];

  /** A person's edit in HubSpot, searchable only `lagMs` later (the sandbox's per-edit search-index lag). */
  const editLagged = async (crmId: string, city: string, lagMs: number) => {
    const response = await fetch(`${w.app.sandbox?.crm.url ?? ''}/__sandbox/objects/contacts/${crmId}`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer sandbox-hubspot-token', 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { city }, searchIndexLagMs: lagMs }),
    });
    expect(response.status).toBe(200);
  };
  const erpCity = async (erpId: string) => (await w.erp(erpId))?.fields['city'];

  beforeAll(async () => {
    w = await world({
      contacts: 20,
      configEdit: (yaml) =>
        // One way only: an ERP-side read would fetch the contact by id (batch read sees it at once).
        yaml
          .replaceAll('direction: both', 'direction: crm-to-erp')
          .replace('    sandbox: crm\n', `    sandbox: crm\n    settleSeconds: ${SETTLE_SECONDS}\n`)
          .replace(/(\n {2}contacts:\n)/, '$1    lookbackSeconds: 0\n'),
    });
    await w.runBoth();
    await w.runBoth();
    links = (await linksAfter(dbOf(w.app.store), 'contacts', '', 100)).map((l) => ({ crm: l.crm_id, erp: l.erp_id }));
    expect(links.length).toBeGreaterThanOrEqual(4);
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  it('a change indexed within the window is read by the next run, though a later change was read first', async () => {
    const [a, b] = links;
    if (a === undefined || b === undefined) throw new Error('no links');
    await editLagged(a.crm, 'Lagged Within', 2500);
    await sleep(1500);
    await editLagged(b.crm, 'Quick Within', 0);
    await w.run('contacts');
    expect(await erpCity(b.erp)).toBe('Quick Within');
    expect(await erpCity(a.erp)).not.toBe('Lagged Within');
    await sleep(1500);
    await w.run('contacts');
    expect(await erpCity(a.erp)).toBe('Lagged Within');
  }, 30_000);

  it('a change indexed after the window is missed by the runs, and the drift scan finds it', async () => {
    const [, , c, d] = links;
    if (c === undefined || d === undefined) throw new Error('no links');
    await editLagged(c.crm, 'Lagged Beyond', 8000);
    await sleep(SETTLE_SECONDS * 1000 + 1500);
    await editLagged(d.crm, 'Quick Beyond', 0);
    await w.run('contacts');
    expect(await erpCity(d.erp)).toBe('Quick Beyond');
    await sleep(3500);
    await w.run('contacts');
    expect(await erpCity(c.erp)).not.toBe('Lagged Beyond');

    const out = tempDir('tandem-lag-drift-');
    try {
      const outcome = await runDrift(
        { sync: w.contacts, store: w.app.store, logger: w.app.logger, signal: new AbortController().signal },
        { formats: ['json'], outDir: out.dir, scratchDir: path.join(out.dir, 'scratch') },
      );
      const report = JSON.parse(fs.readFileSync(outcome.files.json ?? '', 'utf8')) as DriftReport;
      const row = report.rows.find((r) => r.category === 'field_mismatch' && r.crmId === c.crm);
      expect(row?.erpId).toBe(c.erp);
      expect(JSON.stringify(row)).toContain('Lagged Beyond');
    } finally {
      out.cleanup();
    }
  }, 40_000);
});
