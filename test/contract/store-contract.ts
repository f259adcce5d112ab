/**
 * The state store contract as one suite that every engine must pass (kysely's "one test suite over
 * every dialect, against the real thing"): SQLite files and a PostgreSQL database. A fixture opens
 * stores on one database; two stores opened on it stand for two processes. The suite asserts only
 * what state/state-store.ts promises, through the interface.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { LeaseHolder, NewOperation, PageCommit, StateStore } from '../../state/index.js';
import { crmPage, operation } from '../helpers/operations.js';
import { runHistoryContract } from './store-history-contract.js';

export interface StoreFixture {
  /** Empties the database (or makes a new one) before each test. */
  reset(): Promise<void>;
  /** A store on this test's database, with its own connection(s): a second call is another process. */
  open(now: () => string): Promise<StateStore>;
}

const TTL = 30_000;
const T0 = Date.UTC(2026, 11, 1, 12);

const holder = (name: string): LeaseHolder => ({ owner: `host:${name}`, host: 'host', pid: 4000, purpose: 'run' });

const page = (modifiedAt: string, operations: NewOperation[] = [], extra: Partial<PageCommit> = {}): PageCommit => ({
  ...crmPage(operations, modifiedAt),
  ...extra,
});

const cursor = (modifiedAt: string) => ({ modifiedAt, lastId: '1' });

/** Registers the contract's tests for one engine; call inside a `describe` whose hooks set the fixture up. */
export function storeContract(fixture: () => StoreFixture): void {
  let clock = T0;
  const now = (): string => new Date(clock).toISOString();
  const opened: StateStore[] = [];
  const open = async (): Promise<StateStore> => {
    const store = await fixture().open(now);
    opened.push(store);
    return store;
  };
  let store: StateStore;

  beforeEach(async () => {
    clock = T0;
    await fixture().reset();
    store = await open();
    return async () => {
      for (const s of opened.splice(0)) await s.close();
    };
  });

  describe('outbox and checkpoint', () => {
    it('commits a page: its operations and its checkpoint together', async () => {
      await store.commitPage(page('2026-01-01T00:00:00.000Z', [op('k1', '101'), op('k2', '102')]));
      expect(await store.checkpoint('contacts', 'crm')).toEqual(cursor('2026-01-01T00:00:00.000Z'));
      const rows = await store.pendingOperations('contacts', 'erp', 10);
      expect(rows.map((r) => [r.idempotency_key, r.source_id, r.status, r.attempts])).toEqual([
        ['k1', '101', 'pending', 0],
        ['k2', '102', 'pending', 0],
      ]);
      expect(typeof rows[0]?.id).toBe('number');
      expect(await store.pendingOperations('contacts', 'erp', 10, rows[0]?.id)).toHaveLength(1);
      expect(await store.checkpoints()).toEqual([
        { sync: 'contacts', side: 'crm', cursor: cursor('2026-01-01T00:00:00.000Z'), updatedAt: now() },
      ]);
    });

    it('writes nothing of a page that fails half-way: neither its first operation nor its checkpoint', async () => {
      await store.commitPage(page('2026-01-01T00:00:00.000Z'));
      // The second operation cannot be serialised: the transaction fails after the first was written.
      const broken = { ...op('k2', '102'), payload: { n: 1n } };
      await expect(store.commitPage(page('2026-02-01T00:00:00.000Z', [op('k1', '101'), broken]))).rejects.toThrow(
        /BigInt/,
      );
      expect(await store.checkpoint('contacts', 'crm')).toEqual(cursor('2026-01-01T00:00:00.000Z'));
      expect(await store.outboxCounts('contacts')).toEqual({ pending: 0, done: 0, dead: 0, oldestPendingAt: null });
    });

    it('keeps one operation per idempotency key; a done one is re-armed, a newer one supersedes', async () => {
      await store.commitPage(page('2026-01-01T00:00:00.000Z', [op('k1', '101')]));
      await store.commitPage(page('2026-01-02T00:00:00.000Z', [op('k1', '101')]));
      expect(await store.outboxCounts('contacts')).toMatchObject({
        pending: 1,
        done: 0,
        dead: 0,
        oldestPendingAt: expect.any(String),
      });
      const [row] = await store.pendingOperations('contacts', 'erp', 10);
      if (row === undefined) throw new Error('no row');
      await store.confirmOperation(row, '9001');
      expect(await store.outboxStatuses(['k1', 'nope'])).toEqual(new Map([['k1', 'done']]));
      await store.commitPage(page('2026-01-03T00:00:00.000Z', [op('k1', '101')]));
      expect(await store.outboxStatuses(['k1'])).toEqual(new Map([['k1', 'pending']]));
      await store.commitPage(page('2026-01-04T00:00:00.000Z', [op('k3', '101')]));
      expect(await store.outboxStatuses(['k1', 'k3'])).toEqual(
        new Map([
          ['k1', 'superseded'],
          ['k3', 'pending'],
        ]),
      );
      const [latest] = await store.pendingOperations('contacts', 'erp', 10);
      if (latest === undefined) throw new Error('no row');
      await store.supersedeOperation(latest.id);
      expect(await store.outboxStatuses(['k1', 'k3'])).toEqual(
        new Map([
          ['k1', 'superseded'],
          ['k3', 'superseded'],
        ]),
      );
    });
  });

  describe('links', () => {
    it('links on confirm, merges the base, finds links by either side and pages through them', async () => {
      await store.commitPage(page('2026-01-01T00:00:00.000Z', [op('k1', '101'), op('k2', '102')]));
      const rows = await store.pendingOperations('contacts', 'erp', 10);
      for (const [i, row] of rows.entries()) await store.confirmOperation(row, `900${i}`);
      await store.commitPage(
        page('2026-01-02T00:00:00.000Z', [], {
          links: [{ sync: 'contacts', crmId: '101', erpId: '9000', base: { city: 'Paris' }, crmVersion: 'v2' }],
        }),
      );
      const link = (await store.links('contacts', ['101'])).get('101');
      expect(link).toMatchObject({ erp_id: '9000', crm_version: 'v2' });
      expect(JSON.parse(link?.base ?? '{}')).toEqual({ name: 'Ada', city: 'Paris' });
      expect([...(await store.linksBySide('contacts', 'erp', ['9001'])).keys()]).toEqual(['9001']);
      expect(await store.linkedErpIds('contacts', ['9000', '9009'])).toEqual(new Map([['9000', '101']]));
      expect(await store.countLinks('contacts')).toBe(2);
      expect((await store.linksAfter('contacts', '', 1)).map((l) => l.crm_id)).toEqual(['101']);
      expect((await store.linksAfter('contacts', '101', 5)).map((l) => l.crm_id)).toEqual(['102']);

      await store.moveLink('contacts', 'erp', '9001', '9011');
      expect((await store.links('contacts', ['102'])).get('102')?.erp_id).toBe('9011');
      await store.dropLink('contacts', '102');
      expect(await store.countLinks('contacts')).toBe(1);
    });

    it('refuses to link a record already linked to another one (LinkConflictError), leaving the operation pending', async () => {
      await store.commitPage(page('2026-01-01T00:00:00.000Z', [op('k1', '101'), op('k2', '102')]));
      const [first, second] = await store.pendingOperations('contacts', 'erp', 10);
      if (first === undefined || second === undefined) throw new Error('no rows');
      await store.confirmOperation(first, '9000');
      await expect(store.confirmOperation(second, '9000')).rejects.toMatchObject({ code: 'LINK_CONFLICT' });
      expect(await store.outboxStatuses(['k2'])).toEqual(new Map([['k2', 'pending']]));
      expect(await store.countLinks('contacts')).toBe(1);
    });
  });

  it('keeps one open conflict per record and field until a person closes it', async () => {
    const conflict = { sync: 'contacts', crmId: '101', erpId: '9000', field: 'email', kind: 'field' as const };
    await store.commitPage(
      page('2026-01-01T00:00:00.000Z', [], {
        conflicts: [{ ...conflict, crmValue: 'a', erpValue: 'b', baseValue: 'c' }],
      }),
    );
    await store.commitPage(
      page('2026-01-02T00:00:00.000Z', [], {
        conflicts: [{ ...conflict, crmValue: 'a2', erpValue: 'b', baseValue: 'c' }],
      }),
    );
    const [open, ...more] = await store.conflicts('contacts');
    expect(more).toEqual([]);
    expect(open).toMatchObject({ crm_id: '101', field: 'email', status: 'open', crm_value: '"a2"' });
    expect(await store.openConflictFields('contacts', ['101', '102'])).toEqual(new Map([['101', new Set(['email'])]]));
    expect(await store.countOpenConflicts('contacts')).toBe(1);
    if (open === undefined) throw new Error('no conflict');
    await store.closeConflict(open.id, { winner: 'crm' });
    expect(await store.conflict(open.id)).toMatchObject({ status: 'resolved', resolution: '{"winner":"crm"}' });
    expect(await store.countOpenConflicts('contacts')).toBe(0);
    expect(await store.conflicts('contacts', 'all')).toHaveLength(1);
  });

  it('parks a record until its reference is linked, and lets it go', async () => {
    const record = { id: '101', modifiedAt: '2026-01-01T00:00:00.000Z', deleted: false, fields: { company: '7' } };
    const waiting = { sync: 'contacts', side: 'crm' as const, record, needsSync: 'companies', needsId: '7' };
    await store.commitPage(page('2026-01-01T00:00:00.000Z', [], { parked: [waiting] }));
    expect(await store.parked('contacts', 'crm')).toEqual([waiting]);
    expect(await store.countWaiting('contacts')).toBe(1);
    await store.commitPage(page('2026-01-02T00:00:00.000Z', [], { unparked: [{ side: 'crm', id: '101' }] }));
    expect(await store.countWaiting('contacts')).toBe(0);
  });

  describe('dead letters', () => {
    it('kills an operation after its attempts, replays it with its key, or drops it so the key is free', async () => {
      await store.commitPage(page('2026-01-01T00:00:00.000Z', [op('k1', '101')]));
      const failure = { code: 'E', message: 'refused', retryable: true };
      const [row] = await store.pendingOperations('contacts', 'erp', 10);
      if (row === undefined) throw new Error('no row');
      expect(await store.recordFailure(row, failure, 2)).toBe(false);
      const [again] = await store.pendingOperations('contacts', 'erp', 10);
      if (again === undefined) throw new Error('no row');
      expect(await store.recordFailure(again, failure, 2)).toBe(true);
      const [letter] = await store.deadLetters('contacts');
      expect(letter).toMatchObject({ operation_key: 'k1', stage: 'deliver', record_id: '101' });
      expect(await store.countDeadLetters('contacts')).toBe(1);
      if (letter === undefined) throw new Error('no letter');
      expect(await store.retryDeadLetter(letter)).toBe(true);
      expect(await store.pendingOperations('contacts', 'erp', 10)).toMatchObject([
        { idempotency_key: 'k1', attempts: 0 },
      ]);
      expect(await store.deadLetters()).toEqual([]);

      const [third] = await store.pendingOperations('contacts', 'erp', 10);
      if (third === undefined) throw new Error('no row');
      await store.recordFailure(third, { ...failure, retryable: false }, 5);
      const [dead] = await store.deadLetters();
      if (dead === undefined) throw new Error('no letter');
      expect(await store.dropDeadLetter(dead.id)).toBe(true);
      expect(await store.dropDeadLetter(dead.id)).toBe(false);
      expect(await store.outboxStatuses(['k1'])).toEqual(new Map([['k1', 'dropped']]));
      await store.commitPage(page('2026-01-02T00:00:00.000Z', [op('k1', '101')]));
      expect(await store.outboxStatuses(['k1'])).toEqual(new Map([['k1', 'pending']]));
    });

    it('keeps one letter for a record that fails the same way again, and one row per ambiguous match', async () => {
      const letter = { sync: 'contacts', side: 'crm' as const, stage: 'map', recordId: '101', error: { why: 'x' } };
      const match = { sync: 'contacts', side: 'crm' as const, recordId: '101', matchKey: 'email', candidates: ['1'] };
      await store.commitPage(
        page('2026-01-01T00:00:00.000Z', [], { deadLetters: [{ ...letter, payload: 1 }], ambiguous: [match] }),
      );
      await store.commitPage(
        page('2026-01-02T00:00:00.000Z', [], {
          deadLetters: [{ ...letter, payload: 2 }],
          ambiguous: [{ ...match, candidates: ['1', '2'] }],
        }),
      );
      expect((await store.deadLetters()).map((l) => [l.operation_key, l.payload])).toEqual([[null, '2']]);
      const [mapping] = await store.deadLetters();
      if (mapping === undefined) throw new Error('no letter');
      expect(await store.retryDeadLetter(mapping)).toBe(false);
      expect(await store.ambiguousMatches('contacts')).toEqual([{ ...match, candidates: ['1', '2'] }]);
    });

    it("links an ambiguous record by hand: link with an empty base, record parked, both sides' matches gone", async () => {
      // CRM record 101 is ambiguous between ERP 7 and 8 (kept under the candidates' side); ERP 7 wants 101 too.
      const mine = {
        sync: 'contacts',
        side: 'erp' as const,
        recordId: '101',
        matchKey: 'email',
        candidates: ['7', '8'],
      };
      const theirs = { sync: 'contacts', side: 'crm' as const, recordId: '7', matchKey: 'email', candidates: ['101'] };
      const other = { sync: 'contacts', side: 'crm' as const, recordId: '8', matchKey: 'email', candidates: ['101'] };
      await store.commitPage(page('2026-01-01T00:00:00.000Z', [], { ambiguous: [mine, theirs, other] }));
      const record = {
        id: '101',
        version: 'v1',
        modifiedAt: '2026-01-01T00:00:00.000Z',
        deleted: false,
        fields: { email: 'a@x' },
      };
      const link = { sync: 'contacts', side: 'crm' as const, record, candidateId: '7' };
      expect(await store.linkAmbiguousMatch({ ...link, sync: 'other' })).toBe(false);
      expect(await store.linkAmbiguousMatch(link)).toBe(true);
      const stored = (await store.links('contacts', ['101'])).get('101');
      expect([stored?.erp_id, stored?.base]).toEqual(['7', '{}']);
      expect((await store.parked('contacts', 'crm')).map((w) => w.record)).toEqual([record]);
      expect(await store.ambiguousMatches('contacts')).toEqual([other]);
      // Settled: no second link of the record; a record linked elsewhere cannot be linked by hand.
      expect(await store.linkAmbiguousMatch({ ...link, candidateId: '8' })).toBe(false);
      await store.commitPage(page('2026-01-02T00:00:00.000Z', [], { ambiguous: [{ ...mine, recordId: '102' }] }));
      await expect(
        store.linkAmbiguousMatch({ ...link, record: { ...record, id: '102' }, candidateId: '7' }),
      ).rejects.toMatchObject({ code: 'LINK_CONFLICT' });
      expect((await store.ambiguousMatches('contacts')).map((m) => m.recordId)).toEqual(['102', '8']);
    });

    it('retries a record that could not be mapped by parking it, as read, for the next run', async () => {
      // A deal naming a product the ERP lacked: the cause is fixed on the other side, not in the mapping.
      const record = { id: '101', modifiedAt: '2026-01-01T00:00:00.000Z', deleted: false, fields: { sku: 'NEW' } };
      const letter = { sync: 'deals', side: 'erp' as const, stage: 'map', recordId: '101', error: { code: 'X' } };
      await store.commitPage(page('2026-01-01T00:00:00.000Z', [], { deadLetters: [{ ...letter, payload: record }] }));
      const [refused] = await store.deadLetters();
      if (refused === undefined) throw new Error('no letter');
      expect(await store.retryDeadLetter(refused)).toBe(true);
      expect(await store.deadLetters()).toEqual([]);
      expect(await store.parked('deals', 'crm')).toEqual([
        { sync: 'deals', side: 'crm', record, needsSync: 'deals', needsId: '101' },
      ]);
      expect(await store.parked('deals', 'erp')).toEqual([]);

      // Mapped since (the deal edited, its order made): the old version is not planned again.
      await store.commitPage(
        page('2026-01-02T00:00:00.000Z', [], { sync: 'deals', unparked: [{ side: 'crm', id: '101' }] }),
      );
      const newer = { sync: 'deals', crmId: '101', erpId: '7', base: {}, crmVersion: '2026-01-02T00:00:00.000Z' };
      await store.commitPage(
        page('2026-01-02T00:00:00.000Z', [], { deadLetters: [{ ...letter, payload: record }], links: [newer] }),
      );
      const [old] = await store.deadLetters();
      if (old === undefined) throw new Error('no letter');
      expect(await store.retryDeadLetter(old)).toBe(true);
      expect(await store.deadLetters()).toEqual([]);
      expect(await store.parked('deals', 'crm')).toEqual([]);
    });
  });

  describe('leases', () => {
    it('keeps a second process out until expiry; a heartbeat keeps it; the taker gets a higher token', async () => {
      const other = await open();
      const first = await store.leases.acquire('contacts', holder('a'), TTL);
      if (!first.acquired) throw new Error('not acquired');
      expect(first.lease.token).toBe(1);
      expect(await other.leases.acquire('contacts', holder('b'), TTL)).toMatchObject({
        acquired: false,
        holder: { owner: 'host:a', expiresAt: '2026-12-01T12:00:30.000Z' },
      });
      clock += 20_000;
      expect((await store.leases.renew(first.lease, TTL))?.expiresAt).toBe('2026-12-01T12:00:50.000Z');
      clock += 29_999;
      expect(await other.leases.acquire('contacts', holder('b'), TTL)).toMatchObject({ acquired: false });
      clock += 1;
      const taken = await other.leases.acquire('contacts', holder('b'), TTL);
      expect(taken).toMatchObject({ acquired: true, lease: { token: 2 } });
      expect(await store.leases.renew(first.lease, TTL)).toBeUndefined();
      expect(await store.leases.release(first.lease)).toBe(false);
      if (!taken.acquired) throw new Error('not acquired');
      expect(await other.leases.release(taken.lease)).toBe(true);
      expect(await store.leases.list()).toMatchObject([{ sync: 'contacts', owner: null, token: 2 }]);
    });

    it('fences a holder that was taken over: its commit, claim and confirmation write nothing', async () => {
      const other = await open();
      const old = await store.leases.acquire('contacts', holder('stalled'), TTL);
      if (!old.acquired) throw new Error('not acquired');
      const stale = store.withLease(old.lease);
      await stale.commitPage(page('2026-01-01T00:00:00.000Z', [op('k1', '101')]));
      const [row] = await stale.pendingOperations('contacts', 'erp', 10);
      if (row === undefined) throw new Error('no row');
      clock += TTL + 1;
      const next = await other.leases.acquire('contacts', holder('next'), TTL);
      if (!next.acquired) throw new Error('not acquired');

      const lost = { code: 'LEASE_LOST' };
      await expect(stale.commitPage(page('2026-06-01T00:00:00.000Z', [op('k2', '102')]))).rejects.toMatchObject(lost);
      await expect(stale.pendingOperations('contacts', 'erp', 10)).rejects.toMatchObject(lost);
      await expect(stale.confirmOperation(row, '9000')).rejects.toMatchObject(lost);
      expect(await other.checkpoint('contacts', 'crm')).toEqual(cursor('2026-01-01T00:00:00.000Z'));
      expect(await other.outboxCounts('contacts')).toMatchObject({
        pending: 1,
        done: 0,
        dead: 0,
        oldestPendingAt: expect.any(String),
      });
      expect(await other.countLinks('contacts')).toBe(0);

      await other.withLease(next.lease).confirmOperation(row, '9000');
      expect(await other.outboxCounts('contacts')).toEqual({ pending: 0, done: 1, dead: 0, oldestPendingAt: null });
    });

    it('gives a lease to exactly one of several processes racing for it', async () => {
      const stores = [store, await open(), await open()];
      // The lease row exists and is free: every racer reads it free, and only the compare-and-set decides.
      const before = await store.leases.acquire('contacts', holder('before'), TTL);
      if (!before.acquired) throw new Error('not acquired');
      await store.leases.release(before.lease);
      const results = await Promise.all(stores.map((s, i) => s.leases.acquire('contacts', holder(`p${i}`), TTL)));
      expect(results.filter((r) => r.acquired)).toHaveLength(1);
      expect(results.filter((r) => r.acquired)).toMatchObject([{ lease: { token: 2 } }]);
      expect(await store.leases.get('contacts')).toMatchObject({ token: 2 });
    });
  });

  it('keeps a backfill’s progress, and resumes one a crash left running', async () => {
    const first = await store.backfills.begin({ sync: 'contacts', since: '2024-01-01T00:00:00.000Z', restart: false });
    if (first.outcome !== 'started') throw new Error(first.outcome);
    const id = first.backfill.id;
    await store.backfills.setTotals(id, { crm: 500, erp: null });
    await store.backfills.savePage(id, {
      side: 'crm',
      cursor: cursor('2024-02-01T00:00:00.000Z'),
      pulled: 120,
      written: { crm: 0, erp: 100 },
    });
    await store.backfills.sideDone(id, 'erp');
    await store.close();
    store = await open();
    expect(await store.backfills.latest('contacts')).toMatchObject({ id, state: 'interrupted' });
    expect(await store.backfills.begin({ sync: 'contacts', since: null, restart: false })).toMatchObject({
      outcome: 'conflict',
    });
    const resumed = await store.backfills.begin({ sync: 'contacts', since: undefined, restart: false });
    expect(resumed).toMatchObject({
      outcome: 'resumed',
      backfill: {
        id,
        resumes: 1,
        sessionPulled: 120,
        sides: {
          crm: { cursor: cursor('2024-02-01T00:00:00.000Z'), done: false, pulled: 120, written: 0, total: 500 },
          erp: { cursor: null, done: true, pulled: 0, written: 100, total: null },
        },
      },
    });
    await store.backfills.finish(id, 'done', null);
    expect(await store.backfills.unfinished('contacts')).toBeUndefined();
    expect(await store.backfills.get(id)).toMatchObject({ state: 'done', finishedAt: now() });
  });

  it('keeps run history; a run whose process is gone is interrupted at the next open', async () => {
    const a = await store.startRun('contacts', 'incremental');
    await store.finishRun(a, 'succeeded', { pulled: 3 }, null);
    const b = await store.startRun('contacts', 'backfill');
    expect(b).toBeGreaterThan(a);
    expect(await store.lastRun('contacts', 'succeeded')).toMatchObject({ id: a, stats: '{"pulled":3}' });
    await store.close();
    store = await open();
    expect(await store.lastRun('contacts')).toMatchObject({ id: b, status: 'interrupted' });
  });

  it('keeps breakers, reports and webhook signatures (epoch ms beyond 32 bits)', async () => {
    await store.saveBreaker('hubspot', 'open', { n: 1 });
    await store.saveBreaker('hubspot', 'closed', { n: 2 });
    expect(await store.breakers()).toEqual([
      { connector: 'hubspot', circuit: 'closed', state: { n: 2 }, updatedAt: now() },
    ]);
    expect(await store.loadBreaker('odoo')).toBeUndefined();

    const report = {
      sync: 'contacts',
      generatedAt: now(),
      durationMs: 5,
      summary: { a: 1 },
      files: {},
      repaired: false,
    };
    const r1 = await store.addReport(report);
    const r2 = await store.addReport({ ...report, durationMs: 6 });
    await store.markReportRepaired(r1);
    expect((await store.reports()).map((r) => [r.id, r.repaired])).toEqual([
      [r2, 0],
      [r1, 1],
    ]);
    expect(await store.lastReport('contacts')).toMatchObject({ id: r2, duration_ms: 6 });

    const at = Date.UTC(2026, 11, 1);
    expect(await store.rememberWebhook('hubspot', 'sig', at + 300_000, at)).toBe(true);
    expect(await store.rememberWebhook('hubspot', 'sig', at + 300_000, at + 1)).toBe(false);
    expect(await store.rememberWebhook('hubspot', 'sig', at + 600_000, at + 300_001)).toBe(true);
    await store.ping();
  });

  runHistoryContract({
    store: () => store,
    setClock: (ms) => {
      clock = ms;
    },
  });
}

function op(key: string, sourceId: string): NewOperation {
  return operation({ key, sourceId, payloadHash: `h-${key}` });
}
