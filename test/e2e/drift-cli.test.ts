/**
 * The drift and dry-run commands as a user runs them: `tandem run --dry-run` plans and writes
 * nothing (the real run then does what it planned), `tandem drift` writes its files and keeps its
 * summary for `tandem reports list`, `drift --repair --dry-run` prints the repair plan, and misuse
 * exits 2 with a message that says what to write instead.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tandem } from '../helpers/cli.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

interface Totals {
  creates: number;
  updates: number;
  archives: number;
}
interface DryRunJson {
  dryRun: boolean;
  sync: string;
  plan: { crm: Totals; erp: Totals };
  changes: { side: string; action: string }[];
  dependencies: { sync: string; plan: { crm: Totals; erp: Totals } }[];
}

describe('tandem run --dry-run, drift and reports', () => {
  let dir: string;
  let cleanup: () => void;
  let config: string;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    config = writeTestConfig({ dir, contacts: 60, companies: 10 });
  });
  afterAll(() => cleanup());

  it('run --dry-run plans the first sync, writes nothing, and the real run does what it planned', async () => {
    const dry = await tandem(['run', 'contacts', '--config', config, '--dry-run', '--json']);
    expect(dry.stderr).not.toContain('"level":50');
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as DryRunJson;
    expect(plan.dryRun).toBe(true);
    const companies = plan.dependencies.find((d) => d.sync === 'companies');
    expect(companies?.plan.erp.creates).toBeGreaterThan(0);
    expect(plan.changes.length).toBe(
      plan.plan.erp.creates +
        plan.plan.erp.updates +
        plan.plan.erp.archives +
        plan.plan.crm.creates +
        plan.plan.crm.updates,
    );

    const status = JSON.parse((await tandem(['status', '--config', config, '--json'])).stdout) as {
      syncs: { sync: string; lastRun: unknown; links: number; outbox: { pending: number }; checkpoint: unknown }[];
    };
    for (const s of status.syncs)
      expect([s.lastRun, s.links, s.outbox.pending, s.checkpoint]).toEqual([null, 0, 0, null]);

    const again = JSON.parse(
      (await tandem(['run', 'contacts', '--config', config, '--dry-run', '--json'])).stdout,
    ) as DryRunJson;
    expect(again.dependencies.map((d) => d.plan)).toEqual(plan.dependencies.map((d) => d.plan));

    const real = await tandem(['run', 'contacts', '--config', config, '--json']);
    expect(real.code).toBe(0);
    const stats = JSON.parse(real.stdout) as {
      dependencies: { sync: string; written: { crm: number; erp: number } }[];
    };
    const planned = companies?.plan;
    expect(stats.dependencies.find((d) => d.sync === 'companies')?.written).toEqual({
      crm: (planned?.crm.creates ?? 0) + (planned?.crm.updates ?? 0),
      erp: (planned?.erp.creates ?? 0) + (planned?.erp.updates ?? 0),
    });
  }, 120_000);

  it('drift writes the asked formats, keeps the summary, and reports list shows it', async () => {
    const result = await tandem(['drift', 'contacts', '--config', config, '--format', 'json,md', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      id: number;
      summary: { linked: number; categories: Record<string, number> };
      files: Record<string, string>;
    };
    expect(Object.keys(report.files).sort()).toEqual(['json', 'md']);
    for (const file of Object.values(report.files)) expect(fs.existsSync(file)).toBe(true);
    expect(report.summary.linked).toBeGreaterThan(0);
    expect(report.summary.categories.field_mismatch).toBe(0);

    const dry = await tandem(['drift', 'contacts', '--config', config, '--repair', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/repair plan \(dry run: nothing was written to either system\): erp: \d+ create/);

    const list = JSON.parse((await tandem(['reports', 'list', '--config', config, '--json'])).stdout) as {
      reports: { id: number; sync: string; repaired: boolean; files: Record<string, string> }[];
    };
    expect(list.reports.map((r) => [r.sync, r.repaired])).toEqual([
      ['contacts', false],
      ['contacts', false],
    ]);
    expect(list.reports[1]?.id).toBe(report.id);
    expect((await tandem(['reports', 'list', '--config', config])).stdout).toContain(`#${report.id} contacts`);
  }, 120_000);

  it('refuses an unknown format and --dry-run without --repair', async () => {
    const format = await tandem(['drift', 'contacts', '--config', config, '--format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain(
      '--format pdf: unknown format "pdf"; use a comma-separated list of html, md, json, csv',
    );
    const dry = await tandem(['drift', 'contacts', '--config', config, '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain('--dry-run plans a repair: use it with --repair');
  });
});
