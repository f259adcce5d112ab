import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { RunContext, SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import { syncSchema } from '../../../src/config/schema.js';
import { memoryConnector, type MemoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';

const MAPPING = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');

function contact(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    firstname: `First${i}`,
    lastname: `Last${i}`,
    email: `person${i}@example.com`,
    phone: `+49 30 ${i}`,
    jobtitle: 'Buyer',
    address: `${i} Main St`,
    city: 'Berlin',
    zip: '10115',
    company: 'Acme',
    ...extra,
  };
}

describe('runSync (CRM -> ERP) over in-memory connectors', () => {
  let store: StateStore;
  let cleanup: () => void;
  let crm: MemoryConnector;
  let erp: MemoryConnector;
  let sync: SyncDefinition;
  const ctx = (signal: AbortSignal = new AbortController().signal): RunContext => ({
    sync,
    store,
    logger: silentLogger(),
    signal,
  });

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
    crm = memoryConnector('crm', { pageSize: 10 });
    erp = memoryConnector('erp', { batch: 7 });
    const config = {
      ...syncSchema.parse({
        mapping: MAPPING,
        crm: 'crm',
        erp: 'erp',
        maxAttempts: 3,
        direction: 'crm-to-erp',
        lookbackSeconds: 0,
      }),
      name: 'contacts',
      mappingFile: MAPPING,
    };
    sync = { name: 'contacts', config, mapping: loadMapping(MAPPING), crm, erp };
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('creates each contact with an email once, then writes nothing on the next run', async () => {
    for (let i = 1; i <= 25; i++) crm.put(String(i), contact(i, i % 5 === 0 ? { email: '' } : {}));
    const first = await runSync(ctx(), { kind: 'incremental' });
    expect(first).toMatchObject({
      status: 'succeeded',
      pulled: { crm: 25 },
      written: { erp: 20 },
      created: { erp: 20 },
      filtered: 5,
      failed: 0,
    });
    expect(erp.records.size).toBe(20);
    const partner = [...erp.records.values()].find((r) => r.fields['ref'] === 'HS-1');
    expect(partner?.fields).toMatchObject({
      name: 'First1 Last1',
      email: 'person1@example.com',
      function: 'Buyer',
      street: '1 Main St',
      is_company: false,
    });

    const second = await runSync(ctx(), { kind: 'incremental' });
    expect(second).toMatchObject({ status: 'succeeded', pulled: { crm: 0 }, written: { erp: 0 } });
    expect(await store.countLinks('contacts')).toBe(20);
  });

  it('writes only what changed since the checkpoint', async () => {
    for (let i = 1; i <= 5; i++) crm.put(String(i), contact(i));
    await runSync(ctx(), { kind: 'incremental' });
    crm.put('3', contact(3, { jobtitle: 'CFO' }));
    const stats = await runSync(ctx(), { kind: 'incremental' });
    expect(stats).toMatchObject({ pulled: { crm: 1 }, written: { erp: 1 }, updated: { erp: 1 }, created: { erp: 0 } });
    expect([...erp.records.values()].find((r) => r.fields['ref'] === 'HS-3')?.fields['function']).toBe('CFO');
    expect(erp.records.size).toBe(5);
  });

  it('links an existing partner by email instead of creating one, and reports an ambiguous match', async () => {
    erp.put('500', { name: 'Old Name', email: 'person1@example.com', is_company: false });
    erp.put('501', { name: 'Twin A', email: 'person2@example.com', is_company: false });
    erp.put('502', { name: 'Twin B', email: 'person2@example.com', is_company: false });
    crm.put('1', contact(1, { email: 'Person1@Example.com' }));
    crm.put('2', contact(2));
    const stats = await runSync(ctx(), { kind: 'incremental' });
    expect(stats).toMatchObject({ written: { erp: 1 }, created: { erp: 0 }, updated: { erp: 1 }, ambiguous: 1 });
    expect(erp.records.get('500')?.fields).toMatchObject({ name: 'First1 Last1', ref: 'HS-1' });
    expect(erp.records.size).toBe(3);
    expect(await store.ambiguousMatches('contacts')).toEqual([
      {
        sync: 'contacts',
        side: 'erp',
        recordId: '2',
        matchKey: 'email=person2@example.com',
        candidates: ['501', '502'],
      },
    ]);
  });

  it('keeps operations in the outbox while the ERP is down, with the checkpoint past them, and delivers them later', async () => {
    for (let i = 1; i <= 12; i++) crm.put(String(i), contact(i));
    erp.down = new Error('connect ECONNREFUSED');
    const down = await runSync(ctx(), { kind: 'incremental' });
    expect(down.status).toBe('failed');
    expect(down.written.erp).toBe(0);
    expect(await store.checkpoint('contacts', 'crm')).not.toBeNull();
    expect((await store.outboxCounts('contacts')).pending).toBe(10);

    erp.down = undefined;
    const up = await runSync(ctx(), { kind: 'incremental' });
    expect(up.status).toBe('succeeded');
    expect(erp.records.size).toBe(12);
    expect((await store.outboxCounts('contacts')).pending).toBe(0);
  });

  it('never creates a second partner when a write was applied but its confirmation was lost', async () => {
    for (let i = 1; i <= 3; i++) crm.put(String(i), contact(i));
    const write = erp.writer.writeBatch.bind(erp.writer);
    let lose = true;
    erp.writer.writeBatch = async (object, operations) => {
      const results = await write(object, operations);
      if (lose) {
        lose = false;
        throw new Error('socket hang up after commit');
      }
      return results;
    };
    await runSync(ctx(), { kind: 'incremental' });
    expect(erp.records.size).toBe(3);
    const again = await runSync(ctx(), { kind: 'incremental' });
    expect(again.written.erp).toBe(3);
    expect(again.created.erp).toBe(0);
    expect(erp.records.size).toBe(3);
  });

  it('dead-letters a permanently failing record and delivers the rest of its batch', async () => {
    for (let i = 1; i <= 6; i++) crm.put(String(i), contact(i));
    erp.failWith = (op) =>
      op.action === 'upsert' && op.ref.value === 'HS-4' ? { code: 'VALIDATION_ERROR', retryable: false } : undefined;
    const stats = await runSync(ctx(), { kind: 'incremental' });
    expect(stats).toMatchObject({ written: { erp: 5 }, failed: 1, deadLettered: 1, status: 'failed' });
    const letters = await store.deadLetters('contacts');
    expect(letters.map((l) => l.record_id)).toEqual(['4']);
    const next = await runSync(ctx(), { kind: 'incremental' });
    expect(next).toMatchObject({ status: 'succeeded', failed: 0, written: { erp: 0 } });
  });

  it('retries a retryable failure on later runs, then dead-letters it after maxAttempts', async () => {
    crm.put('1', contact(1));
    erp.failWith = () => ({ code: 'HTTP_503', retryable: true });
    for (let run = 1; run <= 3; run++) await runSync(ctx(), { kind: 'incremental' });
    expect(await store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 1 });
    expect(erp.records.size).toBe(0);
  });

  it('retries a failing operation after each page, but spends one attempt per run on it', async () => {
    for (let i = 1; i <= 35; i++) crm.put(String(i), contact(i)); // 4 pages of 10, maxAttempts 3
    let calls = 0;
    erp.failWith = (op) => {
      if (op.action !== 'upsert' || op.ref.value !== 'HS-1') return undefined;
      calls++;
      return { code: 'RATE_LIMITS', retryable: true };
    };
    const first = await runSync(ctx(), { kind: 'incremental' });
    expect(first).toMatchObject({ pulled: { crm: 35 }, written: { erp: 34 }, failed: 1, deadLettered: 0 });
    expect(calls).toBe(4);
    expect(await store.outboxCounts('contacts')).toMatchObject({ pending: 1, dead: 0 });
    expect((await store.pendingOperations('contacts', 'erp', 10))[0]?.attempts).toBe(1);
    erp.failWith = undefined;
    const second = await runSync(ctx(), { kind: 'incremental' });
    expect(second).toMatchObject({ written: { erp: 1 }, failed: 0 });
    expect(erp.records.size).toBe(35);
  });

  it('a write that fails once and goes through after the next page leaves the run succeeded', async () => {
    for (let i = 1; i <= 15; i++) crm.put(String(i), contact(i)); // 2 pages
    let failures = 1;
    erp.failWith = (op) =>
      op.action === 'upsert' && op.ref.value === 'HS-1' && failures-- > 0
        ? { code: 'RATE_LIMITS', retryable: true }
        : undefined;
    const stats = await runSync(ctx(), { kind: 'incremental' });
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, written: { erp: 15 } });
    expect(await store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 0 });
  });

  it('stops after the page in hand when aborted, with that page committed and delivered', async () => {
    for (let i = 1; i <= 30; i++) crm.put(String(i), contact(i));
    const controller = new AbortController();
    controller.abort('SIGTERM');
    const stats = await runSync(ctx(controller.signal), { kind: 'incremental' });
    expect(stats.status).toBe('interrupted');
    expect(stats.pulled.crm).toBe(10);
    expect(erp.records.size).toBe(10);
    expect((await store.checkpoint('contacts', 'crm'))?.lastId).toBe('10');
    const rest = await runSync(ctx(), { kind: 'incremental' });
    expect(rest.pulled.crm).toBe(20);
    expect(erp.records.size).toBe(30);
  });

  it('backfill re-reads every record from a date, skips none as already seen, and leaves the checkpoint', async () => {
    for (let i = 1; i <= 5; i++) crm.put(String(i), contact(i));
    await runSync(ctx(), { kind: 'incremental' });
    const checkpoint = await store.checkpoint('contacts', 'crm');
    crm.put('2', contact(2, { city: 'Hamburg' }), crm.records.get('2')?.modifiedAt);
    const stats = await runSync(ctx(), { kind: 'backfill', since: '2020-01-01T00:00:00.000Z' });
    expect(stats).toMatchObject({ pulled: { crm: 5 }, written: { erp: 1 }, skippedAsEcho: { crm: 4 } });
    expect([...erp.records.values()].find((r) => r.fields['ref'] === 'HS-2')?.fields['city']).toBe('Hamburg');
    expect(await store.checkpoint('contacts', 'crm')).toEqual(checkpoint);
  });
});
