/**
 * The store contract's run history part (state/run-history.ts): a page's changes recorded with it,
 * listed with their delivery status and the id a create received, filtered by record, pruned by age
 * and by size. Registered by store-contract.ts, so every engine runs it.
 */
import { describe, expect, it } from 'vitest';
import type { RecordChange, StateStore } from '../../state/index.js';
import { crmPage, operation } from '../helpers/operations.js';

export interface HistoryHarness {
  store(): StateStore;
  /** Sets the clock the store stamps rows with (epoch ms). */
  setClock(ms: number): void;
}

const T0 = Date.UTC(2026, 11, 1, 12);
const DAY = 86_400_000;

const create = (sourceId: string, key: string): RecordChange => ({
  side: 'erp',
  action: 'create',
  targetId: null,
  sourceId,
  key,
  fields: [{ field: 'name', from: null, to: `Name ${sourceId}` }],
});

export function runHistoryContract(h: HistoryHarness): void {
  describe('run history', () => {
    it('records a page’s changes with its run, in the page’s transaction, with delivery and created ids', async () => {
      const store = h.store();
      const run = await store.startRun('contacts', 'incremental');
      const update: RecordChange = {
        side: 'crm',
        action: 'update',
        targetId: '7',
        sourceId: '42',
        fields: [{ field: 'email', from: 'a@x.org', to: 'b@x.org' }],
      };
      await store.commitPage({
        ...crmPage([operation({ key: 'k1', sourceId: '101' }), operation({ key: 'k2', sourceId: '102' })]),
        run,
        changes: [create('101', 'k1'), create('102', 'k2'), update],
      });
      // A page committed outside a run (a conflict resolved by hand) is not history.
      await store.commitPage({ ...crmPage([]), changes: [update] });
      const [first] = await store.pendingOperations('contacts', 'erp', 1);
      if (first === undefined) throw new Error('no pending operation');
      await store.confirmOperation(first, '9001');
      await store.finishRun(run, 'succeeded', { written: 1 }, null);

      const changes = await store.runChanges(run);
      expect(changes.map((c) => [c.action, c.side, c.recordId, c.sourceId, c.delivery])).toEqual([
        ['create', 'erp', '9001', '101', 'done'],
        ['create', 'erp', null, '102', 'pending'],
        ['update', 'crm', '7', '42', null],
      ]);
      expect(changes[2]).toMatchObject({ runId: run, sync: 'contacts', fields: update.fields });
      expect((await store.runChanges(run, '9001')).map((c) => c.sourceId)).toEqual(['101']);
      expect((await store.runChanges(run, '42')).map((c) => c.recordId)).toEqual(['7']);
      expect(await store.runChanges(run + 1)).toEqual([]);
    });

    it('writes no change of a page that fails half-way', async () => {
      const store = h.store();
      const run = await store.startRun('contacts', 'incremental');
      const broken = { ...operation({ key: 'k2', sourceId: '102' }), payload: { n: 1n } };
      await expect(
        store.commitPage({ ...crmPage([operation(), broken]), run, changes: [create('101', 'k1')] }),
      ).rejects.toThrow(/BigInt/);
      expect(await store.runChanges(run)).toEqual([]);
    });

    it('lists runs newest first, by sync, pages with `before`, and reads one', async () => {
      const store = h.store();
      const a = await store.startRun('contacts', 'incremental');
      const b = await store.startRun('companies', 'backfill');
      const c = await store.startRun('contacts', 'repair');
      expect((await store.runs()).map((r) => r.id)).toEqual([c, b, a]);
      expect((await store.runs({ sync: 'contacts' })).map((r) => r.id)).toEqual([c, a]);
      expect((await store.runs({ before: c, limit: 1 })).map((r) => r.id)).toEqual([b]);
      expect(await store.run(b)).toMatchObject({ id: b, sync: 'companies', kind: 'backfill', status: 'running' });
      expect(await store.run(c + 100)).toBeUndefined();
    });

    it('prunes runs past keepDays with their changes, then the oldest changes past maxChanges', async () => {
      const store = h.store();
      h.setClock(T0 - 40 * DAY);
      const old = await store.startRun('contacts', 'incremental');
      await store.commitPage({ ...crmPage([]), run: old, changes: [create('1', 'o1')] });
      await store.finishRun(old, 'succeeded', {}, null);
      h.setClock(T0 - 40 * DAY);
      const stillRunning = await store.startRun('companies', 'backfill');
      h.setClock(T0);
      const recent = await store.startRun('contacts', 'incremental');
      await store.commitPage({
        ...crmPage([]),
        run: recent,
        changes: ['2', '3', '4'].map((id) => create(id, `r${id}`)),
      });
      await store.finishRun(recent, 'succeeded', {}, null);

      expect(await store.pruneHistory({ keepDays: 30, maxChanges: 2 }, T0)).toEqual({ runs: 1, changes: 2 });
      expect((await store.runs()).map((r) => r.id)).toEqual([recent, stillRunning]);
      expect(await store.runChanges(old)).toEqual([]);
      expect((await store.runChanges(recent)).map((c) => c.sourceId)).toEqual(['3', '4']);
      expect(await store.pruneHistory({ keepDays: 30, maxChanges: 2 }, T0)).toEqual({ runs: 0, changes: 0 });
    });
  });
}
