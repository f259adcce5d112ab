import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { crmPage, operation } from '../../helpers/operations.js';
import { withBusyRetry } from '../../../state/busy.js';
import { tempDir } from '../../helpers/tmp.js';
import { dbOf } from '../../helpers/store-db.js';

const op = operation;

const page = crmPage;

describe('the state store under another process holding the database', () => {
  let cleanup: () => void;
  let file: string;
  let store: StateStore;
  /** Another process's connection: takes the write lock when asked. */
  let other: SQLite.Database;

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    file = path.join(tmp.dir, 'tandem.sqlite');
    // A short SQLite wait so that the retry around the transaction is what is tested.
    store = await StateStore.open(file, undefined, {
      busyTimeoutMs: 20,
      busyRetry: { attempts: 12, baseDelayMs: 20, maxDelayMs: 80 },
    });
    other = new SQLite(file);
    other.pragma('busy_timeout = 0');
  });
  afterEach(async () => {
    if (other.inTransaction) other.exec('rollback');
    other.close();
    await store.close();
    cleanup();
  });

  it('takes the write lock when a transaction begins, so its first write cannot fail on a stale snapshot', async () => {
    await store.commitPage(page([op()]));
    let otherWrite: unknown;
    // A read, another process's write in between, then our write: a deferred BEGIN fails here with
    // SQLITE_BUSY ("database is locked") whatever busy_timeout says; BEGIN IMMEDIATE cannot.
    await dbOf(store)
      .transaction()
      .execute(async (trx) => {
        await trx.selectFrom('links').selectAll().execute();
        try {
          other.prepare("insert into breakers values ('x', 'closed', '{}', 'now')").run();
        } catch (error) {
          otherWrite = error;
        }
        await trx
          .insertInto('breakers')
          .values({ connector: 'y', circuit: 'closed', state: '{}', updated_at: 'now' })
          .execute();
      });
    expect(otherWrite).toMatchObject({ code: 'SQLITE_BUSY' });
    expect((await store.breakers()).map((b) => b.connector)).toEqual(['y']);
  });

  it('retries a commit while another process holds the write lock, then commits it', async () => {
    other.exec('begin immediate');
    setTimeout(() => other.exec('commit'), 300);
    await store.commitPage(page([op()]));
    expect(await store.outboxCounts('contacts')).toMatchObject({
      pending: 1,
      done: 0,
      dead: 0,
      oldestPendingAt: expect.any(String),
    });
    expect(await store.checkpoint('contacts', 'crm')).toEqual({ modifiedAt: '2026-01-01T00:00:00.000Z', lastId: '1' });
  });

  it('gives up with STATE_BUSY, writing nothing, when the lock outlasts every retry', async () => {
    other.exec('begin immediate');
    await expect(store.commitPage(page([op()]))).rejects.toMatchObject({
      code: 'STATE_BUSY',
      message: expect.stringContaining('stayed locked by another process through 12 attempts'),
    });
    other.exec('rollback');
    expect(await store.outboxCounts('contacts')).toEqual({ pending: 0, done: 0, dead: 0, oldestPendingAt: null });
  });

  it('confirmOperation: a record linked to another one already is a LINK_CONFLICT, and the operation stays pending', async () => {
    await store.commitPage(page([op(), op({ key: 'k2', sourceId: '102', ref: { field: 'ref', value: 'HS-102' } })]));
    const [first, second] = await store.pendingOperations('contacts', 'erp', 10);
    if (first === undefined || second === undefined) throw new Error('rows missing');
    await store.confirmOperation(first, '9001');
    // The vendor answered with a partner already linked to contact 101 for contact 102.
    await expect(store.confirmOperation(second, '9001')).rejects.toMatchObject({
      code: 'LINK_CONFLICT',
      message: expect.stringContaining('cannot link crm 102 to erp 9001'),
    });
    expect((await store.pendingOperations('contacts', 'erp', 10)).map((r) => r.source_id)).toEqual(['102']);
    expect((await store.links('contacts', ['101'])).get('101')?.erp_id).toBe('9001');
  });

  it('confirmOperation: a locked database is not a LINK_CONFLICT', async () => {
    await store.commitPage(page([op()]));
    const [row] = await store.pendingOperations('contacts', 'erp', 10);
    if (row === undefined) throw new Error('row missing');
    other.exec('begin immediate');
    await expect(store.confirmOperation(row, '9001')).rejects.toMatchObject({ code: 'STATE_BUSY' });
    other.exec('rollback');
    expect(await store.outboxCounts('contacts')).toMatchObject({
      pending: 1,
      done: 0,
      dead: 0,
      oldestPendingAt: expect.any(String),
    });
  });
});

describe('withBusyRetry', () => {
  const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

  it('backs off with full jitter, doubling up to the cap, and passes other errors through at once', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withBusyRetry('f', () => (++calls < 5 ? Promise.reject(busy) : Promise.resolve('done')), {
      attempts: 5,
      baseDelayMs: 100,
      maxDelayMs: 300,
      random: () => 0.999,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(result).toBe('done');
    expect(delays).toEqual([99, 199, 299, 299]);
    let other = 0;
    await expect(
      withBusyRetry('f', () => (++other, Promise.reject(new Error('no such table'))), { sleep: async () => undefined }),
    ).rejects.toThrow('no such table');
    expect(other).toBe(1);
  });
});
