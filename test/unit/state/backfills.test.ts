import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { dbOf } from '../../helpers/store-db.js';

describe('backfill progress in the state store (real SQLite file)', () => {
  let file: string;
  let cleanup: () => void;
  let store: StateStore;
  let clock: number;
  const now = (): string => new Date(clock).toISOString();

  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    file = path.join(dir, 'tandem.sqlite');
    clock = Date.parse('2026-03-01T10:00:00Z');
    store = await StateStore.open(file, now);
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('starts a backfill, records pages, and resumes it after a crash from its cursors and figures', async () => {
    const first = await store.backfills.begin({ sync: 'contacts', since: '2024-01-01T00:00:00.000Z', restart: false });
    expect(first.outcome).toBe('started');
    if (first.outcome !== 'started') return;
    const id = first.backfill.id;
    expect(first.backfill).toMatchObject({ state: 'running', since: '2024-01-01T00:00:00.000Z', resumes: 0 });
    await store.backfills.setTotals(id, { crm: 500, erp: null });
    clock += 10_000;
    await store.backfills.savePage(id, {
      side: 'crm',
      cursor: { modifiedAt: '2024-02-01T00:00:00.000Z', lastId: '120' },
      pulled: 120,
      written: { crm: 0, erp: 100 },
    });

    // SIGKILL: the process dies with the row `running`; the next open marks it interrupted.
    await store.close();
    store = await StateStore.open(file, now);
    const left = await store.backfills.latest('contacts');
    expect(left).toMatchObject({ state: 'interrupted', error: 'the process stopped during this backfill' });

    clock += 5_000;
    const again = await store.backfills.begin({ sync: 'contacts', since: undefined, restart: false });
    expect(again.outcome).toBe('resumed');
    if (again.outcome !== 'resumed') return;
    expect(again.backfill).toMatchObject({
      id,
      state: 'running',
      since: '2024-01-01T00:00:00.000Z',
      resumes: 1,
      sessionPulled: 120,
      sessionStartedAt: '2026-03-01T10:00:15.000Z',
      startedAt: '2026-03-01T10:00:00.000Z',
      sides: {
        crm: {
          cursor: { modifiedAt: '2024-02-01T00:00:00.000Z', lastId: '120' },
          done: false,
          pulled: 120,
          total: 500,
        },
        erp: { cursor: null, done: false, pulled: 0, written: 100, total: null },
      },
    });
    await store.backfills.sideDone(id, 'crm');
    await store.backfills.finish(id, 'done', null, { crm: 3, erp: 140 });
    const done = await store.backfills.latest('contacts');
    expect(done).toMatchObject({
      state: 'done',
      finishedAt: '2026-03-01T10:00:15.000Z',
      sides: { crm: { done: true } },
    });
    expect(done?.sides.erp.written).toBe(140);

    // A finished one is not resumed: the next request starts a fresh one.
    const fresh = await store.backfills.begin({ sync: 'contacts', since: undefined, restart: false });
    expect(fresh).toMatchObject({ outcome: 'started', superseded: null, backfill: { since: null, resumes: 0 } });
    expect(fresh.outcome === 'started' && fresh.backfill.id).not.toBe(id);
  });

  it('refuses to resume with another --since, and --restart supersedes the unfinished one', async () => {
    const first = await store.backfills.begin({ sync: 'contacts', since: null, restart: false });
    if (first.outcome !== 'started') throw new Error(first.outcome);
    await store.backfills.finish(first.backfill.id, 'interrupted', null);

    const other = await store.backfills.begin({ sync: 'contacts', since: '2025-01-01T00:00:00.000Z', restart: false });
    expect(other).toMatchObject({ outcome: 'conflict', unfinished: { id: first.backfill.id, since: null } });
    expect((await store.backfills.latest('contacts'))?.state).toBe('interrupted');

    const same = await store.backfills.begin({ sync: 'contacts', since: null, restart: false });
    expect(same).toMatchObject({ outcome: 'resumed', backfill: { id: first.backfill.id } });

    const restarted = await store.backfills.begin({
      sync: 'contacts',
      since: '2025-01-01T00:00:00.000Z',
      restart: true,
    });
    expect(restarted).toMatchObject({
      outcome: 'started',
      superseded: { id: first.backfill.id, state: 'superseded' },
      backfill: { since: '2025-01-01T00:00:00.000Z', sides: { crm: { cursor: null, pulled: 0 } } },
    });
    // Another sync's backfills are its own.
    expect(await store.backfills.unfinished('companies')).toBeUndefined();
  });

  it('a page saved after another process marked the backfill interrupted sets it running again; not a superseded one', async () => {
    const first = await store.backfills.begin({ sync: 'contacts', since: null, restart: false });
    if (first.outcome !== 'started') throw new Error(first.outcome);
    const page = { side: 'erp' as const, cursor: { modifiedAt: '2024-01-01T00:00:00.000Z', lastId: '7' }, pulled: 7 };
    await store.backfills.finish(first.backfill.id, 'interrupted', 'opened elsewhere');
    await store.backfills.savePage(first.backfill.id, { ...page, written: { crm: 1, erp: 0 } });
    expect(await store.backfills.latest('contacts')).toMatchObject({ state: 'running', sides: { erp: { pulled: 7 } } });

    await store.backfills.begin({ sync: 'contacts', since: null, restart: true });
    await store.backfills.savePage(first.backfill.id, { ...page, pulled: 99, written: { crm: 1, erp: 0 } });
    const rows = await dbOf(store)
      .selectFrom('backfills')
      .select(['id', 'state', 'erp_pulled'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: first.backfill.id, state: 'superseded', erp_pulled: 7 },
      { id: first.backfill.id + 1, state: 'running', erp_pulled: 0 },
    ]);
  });
});
