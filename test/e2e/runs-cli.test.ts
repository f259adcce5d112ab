/**
 * Run history as a user reads it: after a run against the sandbox, `tandem runs show` lists exactly
 * the records that run changed, each field before -> after; `--record` narrows to one record;
 * `tandem runs` lists the runs with their figures. Edits between runs are made as a person would,
 * in the CRM (the sandbox served alone by `tandem sandbox`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTandem, tandem } from '../helpers/cli.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

interface RunJson {
  id: number;
  sync: string;
  kind: string;
  status: string;
  stats: { created: { crm: number; erp: number }; updated: { crm: number; erp: number } } | null;
}
interface ChangeJson {
  side: string;
  action: string;
  recordId: string | null;
  sourceId: string;
  delivery: string | null;
  fields: { field: string; from: unknown; to: unknown }[];
}

const AUTH = { authorization: 'Bearer sandbox-hubspot-token', 'content-type': 'application/json' };

describe('tandem runs', () => {
  let dir: string;
  let cleanup: () => void;
  let config: string;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    config = writeTestConfig({ dir, contacts: 12, companies: 3, logLevel: 'info' });
  });
  afterAll(() => cleanup());

  const json = async <T>(args: string[]): Promise<T> => {
    const result = await tandem([...args, '--config', config, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };
  const lastRun = async (): Promise<RunJson> => {
    const { runs } = await json<{ runs: RunJson[] }>(['runs', '--sync', 'contacts']);
    const [run] = runs;
    if (run === undefined) throw new Error('no run of contacts');
    return run;
  };

  /** Edits contacts in the CRM as a person would; returns each one's job title before. */
  const editInCrm = async (titles: Record<string, string>): Promise<Record<string, unknown>> => {
    const sandbox = spawnTandem(['sandbox', '--config', config]);
    try {
      const crm = String((await sandbox.waitFor((l) => l['msg'] === 'sandbox listening', 20_000))['crm']);
      const before: Record<string, unknown> = {};
      for (const [id, jobtitle] of Object.entries(titles)) {
        const read = await fetch(`${crm}/crm/v3/objects/contacts/${id}?properties=jobtitle`, { headers: AUTH });
        before[id] = ((await read.json()) as { properties: { jobtitle?: string | null } }).properties.jobtitle ?? null;
        const response = await fetch(`${crm}/__sandbox/objects/contacts/${id}`, {
          method: 'PATCH',
          headers: AUTH,
          body: JSON.stringify({ properties: { jobtitle } }),
        });
        expect(response.status).toBe(200);
      }
      return before;
    } finally {
      sandbox.child.kill('SIGINT');
      await sandbox.exited;
    }
  };

  it('shows exactly the records a run changed, with each field before -> after', async () => {
    await json(['run', 'contacts']);
    const first = await lastRun();
    const created = await json<{ changes: ChangeJson[] }>(['runs', 'show', String(first.id)]);
    // The first run creates every contact on the other side: one change per create it counted.
    const counted = (first.stats?.created.crm ?? 0) + (first.stats?.created.erp ?? 0);
    expect(counted).toBeGreaterThan(0);
    expect(created.changes.filter((c) => c.action === 'create')).toHaveLength(counted);
    expect(created.changes.every((c) => c.delivery === 'done' && c.recordId !== null)).toBe(true);

    const before = await editInCrm({ '3': 'Chief Runs Officer', '5': 'Head of History' });
    await json(['run', 'contacts']);
    const second = await lastRun();
    expect(second.id).toBeGreaterThan(first.id);
    const { changes } = await json<{ changes: ChangeJson[] }>(['runs', 'show', String(second.id)]);
    const summary = changes.map((c) => [c.side, c.action, c.sourceId, c.delivery, c.fields]);
    expect(summary).toEqual([
      ['erp', 'update', '3', 'done', [{ field: 'function', from: before['3'], to: 'Chief Runs Officer' }]],
      ['erp', 'update', '5', 'done', [{ field: 'function', from: before['5'], to: 'Head of History' }]],
    ]);

    const text = await tandem(['runs', 'show', String(second.id), '--config', config]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2 changes:');
    expect(text.stdout).toMatch(
      /updated erp record \S+, from crm record 3; written\n\s+function: .* -> "Chief Runs Officer"/,
    );

    const one = await json<{ changes: ChangeJson[] }>(['runs', 'show', String(second.id), '--record', '5']);
    expect(one.changes.map((c) => c.sourceId)).toEqual(['5']);

    const list = await tandem(['runs', '--config', config]);
    expect(list.stdout).toMatch(new RegExp(`#${second.id} contacts incremental succeeded, started \\S+: .*updated 2`));
  }, 180_000);

  it('says what to write for a run that is not there', async () => {
    const missing = await tandem(['runs', 'show', '99999', '--config', config]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no run 99999 in the history');
    const bad = await tandem(['runs', 'show', 'latest', '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"latest" is not a run id');
  });
});
