import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore, type LeaseHolder, type NewOperation, type PageCommit } from '../../../state/index.js';
import { operation, crmPage } from '../../helpers/operations.js';
import { tempDir } from '../../helpers/tmp.js';

const TTL = 30_000;

function holder(name: string, purpose: LeaseHolder['purpose'] = 'run'): LeaseHolder {
  return { owner: `host-${name}:${name.length}:${name}`, host: `host-${name}`, pid: 4000 + name.length, purpose };
}

const op = operation;

const page = (modifiedAt: string, operations: NewOperation[] = []): PageCommit => crmPage(operations, modifiedAt);

describe('leases: two StateStore instances on one SQLite file', () => {
  let cleanup: () => void;
  let a: StateStore;
  let b: StateStore;
  // One fake clock for both processes: expiry is tested by moving it, not by sleeping.
  let clock: number;
  const now = (): string => new Date(clock).toISOString();

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    clock = Date.UTC(2026, 11, 1, 12);
    const file = path.join(tmp.dir, 'tandem.sqlite');
    a = await StateStore.open(file, now);
    b = await StateStore.open(file, now);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    cleanup();
  });

  it('keeps a second holder out, naming the holder, until the first releases; the token grows', async () => {
    const first = await a.leases.acquire('contacts', holder('daemon', 'daemon'), TTL);
    expect(first).toMatchObject({ acquired: true, lease: { sync: 'contacts', token: 1 } });
    const second = await b.leases.acquire('contacts', holder('cli'), TTL);
    expect(second).toEqual({
      acquired: false,
      holder: expect.objectContaining({
        owner: 'host-daemon:6:daemon',
        host: 'host-daemon',
        pid: 4006,
        purpose: 'daemon',
        acquiredAt: '2026-12-01T12:00:00.000Z',
        expiresAt: '2026-12-01T12:00:30.000Z',
      }),
    });
    // Another sync is free: leases are per sync.
    expect(await b.leases.acquire('companies', holder('cli'), TTL)).toMatchObject({ acquired: true });
    if (!first.acquired) throw new Error('not acquired');
    expect(await a.leases.release(first.lease)).toBe(true);
    expect(await b.leases.get('contacts')).toMatchObject({ owner: null, token: 1 });
    expect(await b.leases.acquire('contacts', holder('cli'), TTL)).toMatchObject({
      acquired: true,
      lease: { token: 2 },
    });
  });

  it('lets the holder take its own lease again without a new token', async () => {
    const first = await a.leases.acquire('contacts', holder('daemon'), TTL);
    clock += 10_000;
    const again = await a.leases.acquire('contacts', holder('daemon'), TTL);
    expect(again).toMatchObject({ acquired: true, lease: { token: 1, expiresAt: '2026-12-01T12:00:40.000Z' } });
    expect(first).toMatchObject({ lease: { token: 1 } });
  });

  it('is stolen only after expiry; a heartbeat keeps it', async () => {
    const first = await a.leases.acquire('contacts', holder('daemon'), TTL);
    if (!first.acquired) throw new Error('not acquired');
    clock += 20_000;
    const renewed = await a.leases.renew(first.lease, TTL);
    expect(renewed?.expiresAt).toBe('2026-12-01T12:00:50.000Z');
    clock += 29_999;
    expect(await b.leases.acquire('contacts', holder('cli'), TTL)).toMatchObject({ acquired: false });
    clock += 1;
    expect(await b.leases.acquire('contacts', holder('cli'), TTL)).toMatchObject({
      acquired: true,
      lease: { token: 2 },
    });
    // The old holder's heartbeat now finds it lost, and so does its release.
    expect(await a.leases.renew(first.lease, TTL)).toBeUndefined();
    expect(await a.leases.release(first.lease)).toBe(false);
    expect(await a.leases.get('contacts')).toMatchObject({ owner: 'host-cli:3:cli', token: 2 });
  });

  it('takes a live lease at once only when the caller knows its holder is gone', async () => {
    await a.leases.acquire('contacts', holder('daemon'), TTL);
    expect(await b.leases.acquire('contacts', holder('cli'), TTL, () => false)).toMatchObject({ acquired: false });
    expect(
      await b.leases.acquire('contacts', holder('cli'), TTL, (h) => h.owner === 'host-daemon:6:daemon'),
    ).toMatchObject({ acquired: true, lease: { token: 2 } });
  });

  it("refuses a stale holder's checkpoint commit, outbox claim, confirmation and failure: nothing is written", async () => {
    const old = await a.leases.acquire('contacts', holder('stalled'), TTL);
    if (!old.acquired) throw new Error('not acquired');
    const stale = a.withLease(old.lease);
    await stale.commitPage(page('2026-01-01T00:00:00.000Z', [op()]));
    const [row] = await stale.pendingOperations('contacts', 'erp', 10);
    if (row === undefined) throw new Error('no pending row');

    // The holder stalls past its expiry; another process takes the sync over.
    clock += TTL + 1;
    const next = await b.leases.acquire('contacts', holder('next'), TTL);
    if (!next.acquired) throw new Error('not acquired');
    expect(next.lease.token).toBe(old.lease.token + 1);

    await expect(
      stale.commitPage(page('2026-06-01T00:00:00.000Z', [op({ key: 'k2', sourceId: '102' })])),
    ).rejects.toMatchObject({
      code: 'LEASE_LOST',
    });
    await expect(stale.pendingOperations('contacts', 'erp', 10)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(stale.confirmOperation(row, '9001')).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(stale.recordFailure(row, { code: 'X', message: 'x', retryable: false }, 5)).rejects.toMatchObject({
      code: 'LEASE_LOST',
    });
    await expect(
      stale.backfills.savePage(1, {
        side: 'crm',
        cursor: { modifiedAt: '2026-06-01T00:00:00.000Z', lastId: '1' },
        pulled: 1,
        written: { crm: 0, erp: 0 },
      }),
    ).rejects.toMatchObject({ code: 'LEASE_LOST' });

    // Nothing of the stale holder's landed: checkpoint, outbox, links and dead letters as before.
    expect(await b.checkpoint('contacts', 'crm')).toEqual({ modifiedAt: '2026-01-01T00:00:00.000Z', lastId: '1' });
    expect(await b.outboxCounts('contacts')).toMatchObject({
      pending: 1,
      done: 0,
      dead: 0,
      oldestPendingAt: expect.any(String),
    });
    expect(await b.countLinks('contacts')).toBe(0);
    expect(await b.deadLetters()).toEqual([]);

    // The new holder's writes go through.
    const current = b.withLease(next.lease);
    await current.confirmOperation(row, '9001');
    await current.commitPage(page('2026-06-01T00:00:00.000Z'));
    expect(await b.checkpoint('contacts', 'crm')).toEqual({ modifiedAt: '2026-06-01T00:00:00.000Z', lastId: '1' });
    expect(await b.outboxCounts('contacts')).toEqual({ pending: 0, done: 1, dead: 0, oldestPendingAt: null });
  });

  it('refuses a fenced write for another sync than its lease', async () => {
    const lease = await a.leases.acquire('companies', holder('daemon'), TTL);
    if (!lease.acquired) throw new Error('not acquired');
    await expect(a.withLease(lease.lease).commitPage(page('2026-01-01T00:00:00.000Z'))).rejects.toThrow(
      /fenced by the lease of "companies"/,
    );
  });

  it('lists every lease for status', async () => {
    await a.leases.acquire('contacts', holder('daemon', 'daemon'), TTL);
    await b.leases.acquire('companies', holder('cli', 'backfill'), TTL);
    expect((await a.leases.list()).map((l) => [l.sync, l.purpose, l.token])).toEqual([
      ['companies', 'backfill', 1],
      ['contacts', 'daemon', 1],
    ]);
  });
});
