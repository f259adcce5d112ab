import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { loadConfig, type Config } from '../../../src/config/load.js';
import { describeSync } from '../../../src/cli/commands/status.js';
import { collectStatus, lagSeconds } from '../../../src/control/status.js';
import { writePaused } from '../../../src/control/pause-file.js';
import { Metrics } from '../../../src/server/metrics.js';
import { writeTestConfig } from '../../helpers/config.js';
import { tempDir } from '../../helpers/tmp.js';

const HOUR = 3_600_000;

describe('tandem status and the lag metric', () => {
  let cleanup: () => void;
  let config: Config;
  let store: StateStore;

  beforeEach(async () => {
    const made = tempDir();
    cleanup = made.cleanup;
    config = loadConfig(writeTestConfig({ dir: made.dir }));
    store = await StateStore.open(path.join(config.dataDir, 'tandem.sqlite'));
    // A quiet sync: its last change is from 2023, both checkpoints are there, the last run succeeded.
    for (const side of ['crm', 'erp'] as const)
      await store.commitPage({
        sync: 'contacts',
        side,
        cursor: { modifiedAt: side === 'crm' ? '2023-05-01T10:00:00.000Z' : '2023-06-01T10:00:00.000Z', lastId: '9' },
        operations: [],
        deadLetters: [],
        ambiguous: [],
      });
    await store.finishRun(await store.startRun('contacts', 'incremental'), 'succeeded', {}, null);
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  const contacts = async (now = Date.now()) => {
    const status = (await collectStatus({ config, store, now: () => now })).find((s) => s.sync === 'contacts');
    if (status === undefined) throw new Error('no contacts status');
    return status;
  };

  it('a quiet healthy sync is 0 s behind, however old its last change (the metric too)', async () => {
    const status = await contacts();
    expect(status.lagSeconds).toBe(0);
    const metrics = new Metrics();
    try {
      metrics.refresh({ syncs: [status], circuits: [], conflicts: new Map(), webhooks: [], now: Date.now() });
      expect(await metrics.registry.metrics()).toContain('tandem_sync_lag_seconds{sync="contacts"} 0\n');
    } finally {
      metrics.close();
    }
  });

  it('shows both checkpoints, a pause and the open conflicts', async () => {
    writePaused(config.dataDir, new Set(['contacts']));
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [],
      ambiguous: [],
      conflicts: [
        {
          sync: 'contacts',
          crmId: '1',
          erpId: '2',
          field: 'email',
          kind: 'field',
          crmValue: 'a@x.io',
          erpValue: 'b@x.io',
          baseValue: 'c@x.io',
        },
      ],
    });
    const status = await contacts();
    expect(status.paused).toBe(true);
    expect(status.conflicts).toBe(1);
    expect(status.checkpoints.crm?.modifiedAt).toBe('2023-05-01T10:00:00.000Z');
    expect(status.checkpoints.erp?.modifiedAt).toBe('2023-06-01T10:00:00.000Z');
    const line = describeSync(status);
    expect(line).toMatch(/^contacts: paused \(/);
    expect(line).toContain('checkpoints crm 2023-05-01T10:00:00.000Z, erp 2023-06-01T10:00:00.000Z');
    expect(line).toContain('open conflicts 1');
    expect(line).toContain('lag 0 s');
  });

  it('behind: since the oldest pending operation, or since the last good run when the last one failed', () => {
    const now = Date.parse('2026-01-01T12:00:00.000Z');
    const run = (status: 'succeeded' | 'failed', startedAt: string) => ({
      id: 1,
      sync: 'contacts',
      kind: 'incremental',
      status,
      started_at: startedAt,
      finished_at: startedAt,
      stats: null,
      error: null,
      pid: null,
    });
    const good = run('succeeded', new Date(now - 2 * HOUR).toISOString());
    const checkpoint = { modifiedAt: '2023-01-01T00:00:00.000Z', lastId: null, savedAt: '2023-01-01T00:00:00.000Z' };
    const base = { last: good, success: good, outbox: { oldestPendingAt: null }, checkpoint };
    expect(lagSeconds(now, base)).toBe(0);
    expect(lagSeconds(now, { ...base, outbox: { oldestPendingAt: new Date(now - 90_000).toISOString() } })).toBe(90);
    expect(lagSeconds(now, { ...base, last: run('failed', new Date(now - HOUR).toISOString()) })).toBe(7200);
    expect(lagSeconds(now, { ...base, last: undefined, success: undefined })).toBeNull();
  });
});
