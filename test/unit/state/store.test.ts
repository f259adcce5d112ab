import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore, type NewOperation } from '../../../state/index.js';
import { operation } from '../../helpers/operations.js';
import { tempDir } from '../../helpers/tmp.js';
import { dbOf } from '../../helpers/store-db.js';

/** Ada's contact, with her email, and no base snapshot (the operation of a first write). */
const op = (overrides: Partial<NewOperation> = {}): NewOperation =>
  operation({ payload: { name: 'Ada Lovelace', email: 'ada@example.com' }, base: undefined, ...overrides });

describe('StateStore on a real SQLite file', () => {
  let dir: string;
  let cleanup: () => void;
  let store: StateStore;
  let file: string;

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    file = path.join(dir, 'nested', 'tandem.sqlite');
    store = await StateStore.open(file);
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('creates the file with mode 0600 in WAL mode', async () => {
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(dbOf(store));
    expect(rows[0]?.journal_mode).toBe('wal');
    expect(fs.existsSync(`${file}-wal`)).toBe(true);
  });

  it('commits operations and the checkpoint together, and keeps them across a reopen', async () => {
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: { modifiedAt: '2024-01-02T00:00:00.000Z', lastId: '101' },
      operations: [op(), op({ key: 'k2', sourceId: '102', ref: { field: 'ref', value: 'HS-102' } })],
      deadLetters: [],
      ambiguous: [],
    });
    await store.close();
    store = await StateStore.open(file);
    expect(await store.checkpoint('contacts', 'crm')).toEqual({
      modifiedAt: '2024-01-02T00:00:00.000Z',
      lastId: '101',
    });
    const pending = await store.pendingOperations('contacts', 'erp', 10);
    expect(pending.map((r) => r.source_id)).toEqual(['101', '102']);
  });

  it('rolls the checkpoint back when the page fails to commit', async () => {
    const bad = op({ payload: undefined as unknown as Record<string, unknown> });
    await expect(
      store.commitPage({
        sync: 'contacts',
        side: 'crm',
        cursor: { modifiedAt: '2024-01-02T00:00:00.000Z', lastId: '101' },
        operations: [op(), bad],
        deadLetters: [],
        ambiguous: [],
      }),
    ).rejects.toThrow();
    expect(await store.checkpoint('contacts', 'crm')).toBeNull();
    expect(await store.pendingOperations('contacts', 'erp', 10)).toEqual([]);
  });

  it('enqueues one row per idempotency key and lets a newer payload supersede an older pending one', async () => {
    const commit = (ops: NewOperation[]) =>
      store.commitPage({
        sync: 'contacts',
        side: 'crm',
        cursor: null,
        operations: ops,
        deadLetters: [],
        ambiguous: [],
      });
    await commit([op()]);
    await commit([op()]);
    expect(await store.pendingOperations('contacts', 'erp', 10)).toHaveLength(1);
    await commit([op({ key: 'k1b', payloadHash: 'h2', payload: { name: 'Ada King' } })]);
    const pending = await store.pendingOperations('contacts', 'erp', 10);
    expect(pending.map((r) => r.idempotency_key)).toEqual(['k1b']);
  });

  it('confirms a write: link saved and operation done in one step', async () => {
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [op()],
      deadLetters: [],
      ambiguous: [],
    });
    const [row] = await store.pendingOperations('contacts', 'erp', 10);
    if (row === undefined) throw new Error('no pending row');
    await store.confirmOperation(row, '9001');
    expect(await store.pendingOperations('contacts', 'erp', 10)).toEqual([]);
    const links = await store.links('contacts', ['101']);
    expect(links.get('101')?.erp_id).toBe('9001');
    expect(await store.linkedErpIds('contacts', ['9001', '9002'])).toEqual(new Map([['9001', '101']]));
    expect(await store.outboxCounts('contacts')).toEqual({ pending: 0, done: 1, dead: 0 });
  });

  it('refuses to link one ERP record to two CRM records', async () => {
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [op(), op({ key: 'k2', sourceId: '102' })],
      deadLetters: [],
      ambiguous: [],
    });
    const rows = await store.pendingOperations('contacts', 'erp', 10);
    await store.confirmOperation(rows[0]!, '9001');
    await expect(store.confirmOperation(rows[1]!, '9001')).rejects.toMatchObject({ code: 'LINK_CONFLICT' });
    expect((await store.pendingOperations('contacts', 'erp', 10)).map((r) => r.source_id)).toEqual(['102']);
  });

  it('dead-letters an operation after maxAttempts retryable failures, or at once when permanent', async () => {
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [op(), op({ key: 'k2', sourceId: '102' })],
      deadLetters: [],
      ambiguous: [],
    });
    const retryable = { code: 'HTTP_503', message: 'unavailable', retryable: true };
    for (let attempt = 1; attempt <= 3; attempt++) {
      const row = (await store.pendingOperations('contacts', 'erp', 10)).find((r) => r.source_id === '101');
      if (row === undefined) throw new Error('row gone early');
      expect(await store.recordFailure(row, retryable, 3)).toBe(attempt === 3);
    }
    const second = (await store.pendingOperations('contacts', 'erp', 10))[0];
    if (second === undefined) throw new Error('missing second op');
    expect(
      await store.recordFailure(second, { code: 'VALIDATION_ERROR', message: 'bad email', retryable: false }, 3),
    ).toBe(true);
    const letters = await store.deadLetters('contacts');
    expect(letters.map((l) => [l.record_id, JSON.parse(l.error).code])).toEqual([
      ['101', 'HTTP_503'],
      ['102', 'VALIDATION_ERROR'],
    ]);
    expect(await store.outboxCounts('contacts')).toEqual({ pending: 0, done: 0, dead: 2 });
  });

  it('keeps one dead letter for a record that fails mapping the same way on every re-read', async () => {
    const letter = (name: string, message: string) => ({
      sync: 'contacts',
      side: 'erp' as const,
      stage: 'map',
      recordId: '101',
      payload: { name },
      error: { code: 'MAPPING_FAILED', message },
    });
    for (const name of ['a', 'b'])
      await store.commitPage({
        sync: 'contacts',
        side: 'crm',
        cursor: null,
        operations: [],
        deadLetters: [letter(name, 'name is required but empty')],
        ambiguous: [],
      });
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [letter('c', 'phone is not a phone number')],
      ambiguous: [],
    });
    const letters = await store.deadLetters('contacts');
    expect(letters.map((l) => [JSON.parse(l.error).message, JSON.parse(l.payload).name])).toEqual([
      ['name is required but empty', 'b'],
      ['phone is not a phone number', 'c'],
    ]);
  });

  it('leaves a run of a live process alone (tandem status beside the daemon); closes one whose process is gone', async () => {
    const live = await store.startRun('contacts', 'incremental');
    const dead = await store.startRun('companies', 'incremental');
    const exited = spawnSync(process.execPath, ['-e', '0']).pid ?? 0;
    await dbOf(store).updateTable('runs').set({ pid: process.ppid }).where('id', '=', live).execute();
    await dbOf(store).updateTable('runs').set({ pid: exited }).where('id', '=', dead).execute();
    await store.close();
    store = await StateStore.open(file);
    expect((await store.lastRun('contacts'))?.status).toBe('running');
    expect((await store.lastRun('companies'))?.status).toBe('interrupted');
  });

  it('marks runs a crash left open as interrupted on the next open', async () => {
    const id = await store.startRun('contacts', 'incremental');
    await store.close();
    store = await StateStore.open(file);
    const run = await store.lastRun('contacts');
    expect(run?.id).toBe(id);
    expect(run?.status).toBe('interrupted');
  });
});
