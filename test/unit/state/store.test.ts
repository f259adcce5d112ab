import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore, type NewOperation, type PageCommit } from '../../../state/index.js';
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
    expect(await store.outboxCounts('contacts')).toEqual({ pending: 0, done: 1, dead: 0, oldestPendingAt: null });
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

  it('confirms a batch in one step: every link and done, and a record written twice merges both bases', async () => {
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [
        op({ base: { name: 'Ada' } }),
        op({ key: 'k2', sourceId: '102', base: { name: 'Grace' } }),
        op({ key: 'k3', sourceId: '103', base: { name: 'Edsger' } }),
      ],
      deadLetters: [],
      ambiguous: [],
    });
    const rows = await store.pendingOperations('contacts', 'erp', 10);
    // The same record twice in one batch (a second write of 101, e.g. after a merge): its second
    // confirmation must see the link the first one made.
    const again = { ...rows[0]!, id: rows[0]!.id, base: JSON.stringify({ email: 'ada@example.com' }) };
    await store.confirmOperations([
      { row: rows[0]!, targetId: '9001' },
      { row: rows[1]!, targetId: '9002' },
      { row: rows[2]!, targetId: '9003' },
      { row: again, targetId: '9001' },
    ]);
    expect(await store.outboxCounts('contacts')).toEqual({ pending: 0, done: 3, dead: 0, oldestPendingAt: null });
    const links = await store.links('contacts', ['101', '102', '103']);
    expect([...links.values()].map((l) => [l.crm_id, l.erp_id])).toEqual([
      ['101', '9001'],
      ['102', '9002'],
      ['103', '9003'],
    ]);
    expect(JSON.parse(links.get('101')!.base)).toEqual({ name: 'Ada', email: 'ada@example.com' });
  });

  it('confirms a batch all or nothing: a record linked to another one already rolls the whole batch back', async () => {
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [op(), op({ key: 'k2', sourceId: '102' }), op({ key: 'k3', sourceId: '103' })],
      deadLetters: [],
      ambiguous: [],
    });
    const rows = await store.pendingOperations('contacts', 'erp', 10);
    await store.confirmOperation(rows[0]!, '9001');
    const batch = store.confirmOperations([
      { row: rows[1]!, targetId: '9002' },
      { row: rows[2]!, targetId: '9001' },
    ]);
    await expect(batch).rejects.toMatchObject({
      code: 'LINK_CONFLICT',
      details: { sync: 'contacts', crmId: '103', erpId: '9001' },
    });
    expect((await store.pendingOperations('contacts', 'erp', 10)).map((r) => r.source_id)).toEqual(['102', '103']);
    expect([...(await store.links('contacts', ['101', '102', '103'])).keys()]).toEqual(['101']);
  });

  it("merges a page's link updates read in one query: an existing link, a new one, and one updated twice", async () => {
    const page = (links: PageCommit['links']): PageCommit => ({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [],
      ambiguous: [],
      links,
    });
    await store.commitPage(
      page([{ sync: 'contacts', crmId: '101', erpId: '9001', base: { name: 'Ada' }, crmVersion: 'v1' }]),
    );
    await store.commitPage(
      page([
        { sync: 'contacts', crmId: '101', erpId: '9001', base: { email: 'ada@example.com' }, crmVersion: 'v2' },
        { sync: 'contacts', crmId: '102', erpId: '9002', base: { name: 'Grace' }, erpVersion: 'e1' },
        { sync: 'contacts', crmId: '102', erpId: '9002', base: { city: 'Arlington' }, crmVersion: 'c1' },
      ]),
    );
    const links = await store.links('contacts', ['101', '102']);
    expect(links.get('101')).toMatchObject({ erp_id: '9001', crm_version: 'v2' });
    expect(JSON.parse(links.get('101')!.base)).toEqual({ name: 'Ada', email: 'ada@example.com' });
    expect(links.get('102')).toMatchObject({ erp_id: '9002', crm_version: 'c1', erp_version: 'e1' });
    expect(JSON.parse(links.get('102')!.base)).toEqual({ name: 'Grace', city: 'Arlington' });
  });

  it('enqueues a page of 150 operations as each alone would: supersedes, re-arms a done key with its new target, keeps the order', async () => {
    const commit = (operations: NewOperation[]): Promise<void> =>
      store.commitPage({ sync: 'contacts', side: 'crm', cursor: null, operations, deadLetters: [], ambiguous: [] });
    const many = (suffix: string, targetId: string | null = null): NewOperation[] =>
      Array.from({ length: 150 }, (_, i) => op({ key: `k${i}${suffix}`, sourceId: String(1000 + i), targetId }));
    await commit(many('a'));
    const first = await store.pendingOperations('contacts', 'erp', 500);
    // Record 1000 written and confirmed; then every record changes (new keys), then 1000 goes back.
    await store.confirmOperation(first[0]!, '9000');
    await commit(many('b'));
    await commit([op({ key: 'k0a', sourceId: '1000', targetId: '9100' })]);
    const pending = await store.pendingOperations('contacts', 'erp', 500);
    // The re-armed operation keeps its row (and so its place: first).
    const later = many('b').map((o) => o.key);
    expect(pending.map((r) => r.idempotency_key)).toEqual(['k0a', ...later.slice(1)]);
    expect(pending[0]).toMatchObject({ target_id: '9100', attempts: 0, id: first[0]!.id });
    expect(pending.map((r) => r.id)).toEqual([...pending.map((r) => r.id)].sort((a, b) => a - b));
    expect(await store.outboxStatuses(['k1a', 'k0b'])).toEqual(
      new Map([
        ['k1a', 'superseded'],
        ['k0b', 'superseded'],
      ]),
    );
  });

  it('enqueues two operations of one record in one page in order: the later supersedes the earlier', async () => {
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [
        op({ key: 'x1', sourceId: '7' }),
        op({ key: 'y1', sourceId: '8' }),
        op({ key: 'x2', sourceId: '7' }),
      ],
      deadLetters: [],
      ambiguous: [],
    });
    const pending = await store.pendingOperations('contacts', 'erp', 10);
    expect(pending.map((r) => r.idempotency_key)).toEqual(['y1', 'x2']);
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
    expect(await store.outboxCounts('contacts')).toEqual({ pending: 0, done: 0, dead: 2, oldestPendingAt: null });
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
