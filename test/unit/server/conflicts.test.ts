/**
 * What the server reports of conflicts (`GET /api/conflicts`, the `tandem_conflicts` gauge), read
 * from a real state store with open and resolved conflicts in it.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConflict } from '../../../state/conflicts.js';
import { StateStore } from '../../../state/index.js';
import { countOpenConflicts, listOpenConflicts } from '../../../src/server/conflicts.js';
import { tempDir } from '../../helpers/tmp.js';
import { dbOf } from '../../helpers/store-db.js';

const conflict = (sync: string, crmId: string) => ({
  sync,
  crmId,
  erpId: `e${crmId}`,
  field: 'jobtitle',
  kind: 'field' as const,
  crmValue: 'Head of CRM',
  erpValue: 'Head of ERP',
  baseValue: null,
});

describe('open conflicts as the server reports them', () => {
  let store: StateStore;
  let cleanup: () => void;
  beforeEach(async () => {
    const tmp = tempDir('tandem-conflicts-');
    cleanup = tmp.cleanup;
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
    const now = '2026-12-01T00:00:00.000Z';
    await openConflict(dbOf(store), conflict('contacts', '1'), now);
    await openConflict(dbOf(store), conflict('contacts', '2'), now);
    await openConflict(dbOf(store), conflict('companies', '3'), now);
    const resolved = (await store.conflicts('contacts')).find((c) => c.crm_id === '2');
    await store.closeConflict(resolved?.id ?? -1, { chosen: 'crm' });
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('lists the open ones, of every sync or of one, with their stored values', async () => {
    const all = await listOpenConflicts(store, undefined);
    expect(all.available).toBe(true);
    expect(all.conflicts.map((c) => [c['sync'], c['crm_id']])).toEqual([
      ['contacts', '1'],
      ['companies', '3'],
    ]);
    expect(all.conflicts[0]).toMatchObject({ field: 'jobtitle', crm_value: '"Head of CRM"', status: 'open' });
    const one = await listOpenConflicts(store, 'companies');
    expect(one.conflicts.map((c) => c['crm_id'])).toEqual(['3']);
  });

  it('counts the open ones per sync, 0 for a sync without any', async () => {
    const counts = await countOpenConflicts(store, ['contacts', 'companies', 'deals']);
    expect([...counts]).toEqual([
      ['contacts', 1],
      ['companies', 1],
      ['deals', 0],
    ]);
  });
});
