import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore, type LeaseInfo } from '../../../state/index.js';
import { holdDaemonLeases } from '../../../src/daemon/daemon-leases.js';
import { SyncRunner } from '../../../src/control/sync-runner.js';
import { holderGone, newHolder } from '../../../src/leases/holder.js';
import { LeaseKeeper } from '../../../src/leases/keeper.js';
import { silentLogger } from '../../../src/logger.js';
import type { SyncDefinition } from '../../../src/pipeline/context.js';
import { tempDir } from '../../helpers/tmp.js';

describe('LeaseKeeper: two processes on one state file', () => {
  let cleanup: () => void;
  let a: StateStore;
  let b: StateStore;
  let clock: number;
  const now = (): string => new Date(clock).toISOString();
  const keeper = (store: StateStore, purpose: 'daemon' | 'run' = 'run', onLost?: (sync: string) => void) =>
    new LeaseKeeper({
      store,
      purpose,
      logger: silentLogger(),
      ttlMs: 30_000,
      pollMs: 20,
      ...(onLost ? { onLost } : {}),
    });

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

  it('takes all the syncs of a command or none, naming the holder of the one it cannot have', async () => {
    const daemon = keeper(b, 'daemon');
    await daemon.acquireAll(['contacts']);
    const cli = keeper(a);
    await expect(cli.acquireAll(['companies', 'contacts'])).rejects.toMatchObject({
      code: 'LEASE_HELD',
      message: expect.stringMatching(
        new RegExp(
          `^sync "contacts" is held by the daemon \\(tandem start\\), pid ${process.pid} on ${os.hostname()} since 2026-12-01T12:00:00.000Z`,
        ),
      ),
    });
    // companies was taken and given back: nothing is held while refused.
    expect(cli.holds('companies')).toBe(false);
    expect(await a.leases.get('companies')).toMatchObject({ owner: null });
    await daemon.releaseAll();
    await cli.acquireAll(['companies', 'contacts']);
    expect(cli.storeFor('contacts')?.lease?.token).toBe(2);
    await cli.releaseAll();
  });

  it('waits (telling once) until the holder releases, or gives up after its timeout', async () => {
    const holder = keeper(b);
    await holder.acquireAll(['contacts']);
    const told: LeaseInfo[] = [];
    const waiter = keeper(a);
    await expect(
      waiter.acquireAll(['contacts'], { wait: true, timeoutMs: 100, onWaiting: (_, h) => told.push(h) }),
    ).rejects.toMatchObject({ code: 'LEASE_HELD' });
    expect(told).toHaveLength(1);
    setTimeout(() => void holder.releaseAll(), 150);
    await waiter.acquireAll(['contacts'], { wait: true, onWaiting: (_, h) => told.push(h) });
    expect(told).toHaveLength(2);
    expect(waiter.holds('contacts')).toBe(true);
    await waiter.releaseAll();
  });

  it('a heartbeat renews the lease; one that finds it taken over drops it and reports it', async () => {
    const lost: string[] = [];
    const first = keeper(a, 'daemon', (sync) => lost.push(sync));
    await first.acquireAll(['contacts']);
    clock += 20_000;
    await first.heartbeat();
    expect((await a.leases.get('contacts'))?.expiresAt).toBe('2026-12-01T12:00:50.000Z');
    clock += 30_001;
    const second = keeper(b, 'daemon');
    expect((await second.tryAcquire('contacts')).acquired).toBe(true);
    await first.heartbeat();
    expect(lost).toEqual(['contacts']);
    expect(first.storeFor('contacts')).toBeUndefined();
    await second.releaseAll();
  });
});

describe('LeaseKeeper heartbeat timer (real time)', () => {
  it('keeps a lease alive past its TTL while the holder works, and frees it when released', async () => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'tandem.sqlite');
    const a = await StateStore.open(file);
    const b = await StateStore.open(file);
    try {
      const holder = new LeaseKeeper({ store: a, purpose: 'run', logger: silentLogger(), ttlMs: 600 });
      await holder.acquireAll(['contacts']);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const other = new LeaseKeeper({ store: b, purpose: 'run', logger: silentLogger(), ttlMs: 600 });
      await expect(other.acquireAll(['contacts'])).rejects.toMatchObject({ code: 'LEASE_HELD' });
      await holder.releaseAll();
      await other.acquireAll(['contacts']);
      await other.releaseAll();
    } finally {
      await a.close();
      await b.close();
      tmp.cleanup();
    }
  });
});

describe('holderGone', () => {
  const info = (over: Partial<LeaseInfo>): LeaseInfo => ({
    sync: 'contacts',
    owner: 'x',
    host: os.hostname(),
    pid: process.pid,
    purpose: 'daemon',
    token: 1,
    acquiredAt: '',
    heartbeatAt: '',
    expiresAt: '',
    ...over,
  });

  it('is true only for a holder on this host whose process is gone', () => {
    const live = newHolder('daemon');
    expect(holderGone(info({ owner: live.owner }))).toBe(false);
    // Our pid with another process tag: an earlier life of this pid (a container restarted).
    expect(holderGone(info({ owner: `${os.hostname()}:${process.pid}:deadbeef00` }))).toBe(true);
    expect(holderGone(info({ pid: 2 ** 22 + 17, owner: `${os.hostname()}:${2 ** 22 + 17}:x` }))).toBe(true);
    expect(holderGone(info({ host: 'elsewhere', pid: 2 ** 22 + 17 }))).toBe(false);
    expect(holderGone(info({ pid: process.ppid, owner: `${os.hostname()}:${process.ppid}:x` }))).toBe(false);
  });
});

describe('the daemon and held syncs', () => {
  let cleanup: () => void;
  let store: StateStore;
  let other: StateStore;

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    store = await StateStore.open(path.join(tmp.dir, 'tandem.sqlite'));
    other = await StateStore.open(path.join(tmp.dir, 'tandem.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    await other.close();
    cleanup();
  });

  const hold = (wait: boolean, acquired: string[] = []) =>
    holdDaemonLeases({
      store,
      logger: silentLogger(),
      syncs: ['companies', 'contacts'],
      wait,
      pollMs: 20,
      onAcquired: (sync) => acquired.push(sync),
    });

  it('refuses to start beside another daemon, holding nothing; with wait it takes the sync over once free', async () => {
    const first = new LeaseKeeper({ store: other, purpose: 'daemon', logger: silentLogger() });
    await first.acquireAll(['contacts']);
    await expect(hold(false)).rejects.toMatchObject({ code: 'LEASE_HELD' });
    expect(await store.leases.get('companies')).toMatchObject({ owner: null });

    const acquired: string[] = [];
    const second = await hold(true, acquired);
    expect(await second.gate.enter('contacts')).toMatchObject({ holder: { purpose: 'daemon' } });
    await first.releaseAll();
    await expect.poll(() => acquired, { timeout: 2000 }).toEqual(['contacts']);
    expect(await second.gate.enter('contacts')).toHaveProperty('store');
    await second.release();
    expect((await store.leases.list()).map((l) => l.owner)).toEqual([null, null]);
  });

  it('starts beside a command holding a sync, and skips that sync’s runs until it is free', async () => {
    const cli = new LeaseKeeper({ store: other, purpose: 'run', logger: silentLogger() });
    await cli.acquireAll(['contacts']);
    const daemon = await hold(false);
    const sync = { name: 'contacts' } as SyncDefinition;
    const runner = new SyncRunner({
      sync,
      store,
      logger: silentLogger(),
      signal: new AbortController().signal,
      gate: daemon.gate,
    });
    const stats = await runner.trigger();
    expect(stats).toMatchObject({ status: 'skipped', error: expect.stringContaining('is held by tandem run, pid') });
    expect(await store.lastRun('contacts')).toBeUndefined();
    await cli.releaseAll();
    await daemon.release();
  });
});
