import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LinkConflictError, StateStore, StoreBusyError, type LeaseHolder } from '../../../state/index.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { RunContext, SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import { syncSchema } from '../../../src/config/schema.js';
import { memoryConnector, type MemoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';

const MAPPING = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');

const contact = (i: number): Record<string, unknown> => ({
  firstname: `First${i}`,
  lastname: `Last${i}`,
  email: `person${i}@example.com`,
  city: 'Berlin',
});

const holder = (name: string): LeaseHolder => ({ owner: `h:1:${name}`, host: 'h', pid: 1, purpose: 'run' });

/** How many ERP records carry each `ref`: more than one is a duplicate. */
const refCounts = (erp: MemoryConnector): number[] => {
  const counts = new Map<string, number>();
  for (const r of erp.records.values())
    counts.set(String(r.fields['ref']), (counts.get(String(r.fields['ref'])) ?? 0) + 1);
  return [...new Set(counts.values())];
};

describe('deliver: a confirmation that fails after the vendor applied the write', () => {
  let dir: string;
  let cleanup: () => void;
  let store: StateStore;
  let crm: MemoryConnector;
  let erp: MemoryConnector;
  let sync: SyncDefinition;
  const ctx = (s: StateStore = store): RunContext => ({
    sync,
    store: s,
    logger: silentLogger(),
    signal: new AbortController().signal,
  });

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await StateStore.open(path.join(dir, 'state.sqlite'));
    crm = memoryConnector('crm', { pageSize: 10 });
    erp = memoryConnector('erp', { batch: 5 });
    const config = {
      ...syncSchema.parse({
        mapping: MAPPING,
        crm: 'crm',
        erp: 'erp',
        maxAttempts: 1,
        direction: 'crm-to-erp',
        lookbackSeconds: 0,
      }),
      name: 'contacts',
      mappingFile: MAPPING,
    };
    sync = { name: 'contacts', config, mapping: loadMapping(MAPPING), crm, erp };
    for (let i = 1; i <= 8; i++) crm.put(String(i), contact(i));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
    cleanup();
  });

  it('a store still locked after its retries: the run stops, nothing is dead-lettered, the next run confirms without a duplicate', async () => {
    vi.spyOn(store, 'confirmOperations').mockRejectedValueOnce(
      new StoreBusyError(store.location, 6, Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })),
    );
    const first = await runSync(ctx(), { kind: 'incremental' });
    expect(first.status).toBe('failed');
    expect(first.error).toContain('stayed locked by another process');
    expect(first.deadLettered).toBe(0);
    expect(await store.deadLetters()).toEqual([]);
    // Even with maxAttempts 1, no attempt was spent: the write was applied, only its confirmation waits.
    expect((await store.outboxCounts('contacts')).dead).toBe(0);
    expect((await store.outboxCounts('contacts')).pending).toBeGreaterThan(0);

    const second = await runSync(ctx(), { kind: 'incremental' });
    expect(second.status).toBe('succeeded');
    expect(await store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 0, done: 8 });
    expect(erp.records.size).toBe(8);
    expect(refCounts(erp)).toEqual([1]);
    expect(await store.countLinks('contacts')).toBe(8);
  });

  it('a record linked to another one already is still a LINK_CONFLICT dead letter for a person', async () => {
    // The batch's one transaction fails on the conflict and rolls back; then each write is
    // confirmed alone, so only the conflicting one waits for a person.
    const conflict = (): LinkConflictError =>
      new LinkConflictError({ sync: 'contacts', crmId: '1', erpId: '1000' }, new Error('UNIQUE constraint failed'));
    vi.spyOn(store, 'confirmOperations').mockRejectedValueOnce(conflict());
    vi.spyOn(store, 'confirmOperation').mockRejectedValueOnce(conflict());
    const stats = await runSync(ctx(), { kind: 'incremental' });
    expect(stats.deadLettered).toBe(1);
    const [letter] = await store.deadLetters('contacts');
    expect(JSON.parse(letter?.error ?? '{}')).toMatchObject({ code: 'LINK_CONFLICT', retryable: false });
    // The rest of that batch (5 writes) and the next one went through.
    expect(stats.written.erp).toBe(7);
    expect(await store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 1, done: 7 });
    expect(await store.countLinks('contacts')).toBe(7);
  });

  it('a real link conflict in a batch: the other writes of the batch are confirmed, the one conflicting is dead-lettered', async () => {
    // CRM record 99 is linked already to 1000, the id the memory ERP gives the first record it creates.
    await store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [],
      ambiguous: [],
      links: [{ sync: 'contacts', crmId: '99', erpId: '1000', base: {} }],
    });
    const stats = await runSync(ctx(), { kind: 'incremental' });
    expect(stats.deadLettered).toBe(1);
    expect(stats.written.erp).toBe(7);
    expect(await store.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 1, done: 7 });
  });

  it('a lease lost mid-run: the run stops with LEASE_LOST, writes nothing more, and the new holder confirms without a duplicate', async () => {
    const mine = await store.leases.acquire('contacts', holder('first'), 30_000);
    if (!mine.acquired) throw new Error('not acquired');
    const rival = await StateStore.open(path.join(dir, 'state.sqlite'));
    try {
      const write = erp.writer.writeBatch.bind(erp.writer);
      let stolen = false;
      erp.writer.writeBatch = async (object, operations) => {
        const results = await write(object, operations);
        // Another process takes the sync over while the vendor answers (this one stalled past its TTL).
        if (!stolen) stolen = (await rival.leases.acquire('contacts', holder('second'), 30_000, () => true)).acquired;
        return results;
      };
      const stats = await runSync(ctx(store.withLease(mine.lease)), { kind: 'incremental' });
      expect(stats.status).toBe('failed');
      expect(stats.error).toContain('lease of sync "contacts" was lost');
      expect(stats.written.erp).toBe(0);
      expect(await store.deadLetters()).toEqual([]);
      expect(await store.countLinks('contacts')).toBe(0);

      const theirs = await rival.leases.acquire('contacts', holder('second'), 30_000);
      if (!theirs.acquired) throw new Error('not acquired');
      erp.writer.writeBatch = write;
      const next = await runSync(ctx(rival.withLease(theirs.lease)), { kind: 'incremental' });
      expect(next.status).toBe('succeeded');
      expect(await rival.outboxCounts('contacts')).toMatchObject({ pending: 0, dead: 0 });
      expect(erp.records.size).toBe(8);
      expect(refCounts(erp)).toEqual([1]);
    } finally {
      await rival.close();
    }
  });
});
