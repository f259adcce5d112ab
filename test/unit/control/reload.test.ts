import { describe, expect, it } from 'vitest';
import type { SyncEntry } from '../../../src/config/load.js';
import { reloadEntry } from '../../../src/control/reload.js';

const running: SyncEntry = {
  name: 'contacts',
  mapping: 'contacts.yaml',
  mappingFile: '/etc/tandem/contacts.yaml',
  crm: 'crm',
  erp: 'erp',
  direction: 'both',
  deletes: 'archive',
  merges: 'report',
  lookbackSeconds: 5,
  schedule: '*/5 * * * *',
  runOnStart: true,
  pageSize: 100,
  maxAttempts: 5,
  enabled: true,
  staleAfterMs: 60_000,
  drift: { schedule: '0 * * * *', formats: ['json'], repair: false },
};

describe('reloadEntry: what a SIGHUP changes in a running sync', () => {
  it('takes schedule, enabled and staleAfterMs, keeps every other key and names it', () => {
    const file: SyncEntry = {
      ...running,
      mappingFile: '/etc/tandem/other.yaml',
      pageSize: 10,
      schedule: '* * * * *',
      enabled: false,
      staleAfterMs: 5_000,
      drift: { schedule: '*/5 * * * *', formats: ['json'], repair: false },
    };
    const { entry, applied, needRestart } = reloadEntry(running, file);
    expect(entry).toEqual({ ...running, schedule: '* * * * *', enabled: false, staleAfterMs: 5_000 });
    expect(applied).toEqual(['schedule', 'enabled', 'staleAfterMs']);
    expect(needRestart).toEqual(['mappingFile', 'pageSize', 'drift']);
  });

  it('a staleAfterMs removed from the file turns the check off', () => {
    const { staleAfterMs: _removed, ...file } = running;
    const { entry, applied } = reloadEntry(running, file);
    expect(entry.staleAfterMs).toBeUndefined();
    expect(applied).toEqual(['staleAfterMs']);
  });

  it('an unchanged entry changes nothing', () => {
    expect(reloadEntry(running, { ...running })).toEqual({ entry: running, applied: [], needRestart: [] });
  });
});
