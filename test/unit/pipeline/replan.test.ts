/**
 * Re-planning stale writes (src/pipeline/replan.ts) over in-memory connectors: a target whose
 * connector offers optimistic concurrency refuses a write planned on a version it has left, and
 * the engine plans it again through the three-way merge instead of resending it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { syncSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { RunStats, SyncDefinition } from '../../../src/pipeline/context.js';
import { MAX_REPLANS_PER_RUN } from '../../../src/pipeline/replan.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import { memoryConnector, type MemoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';
import { dbOf } from '../../helpers/store-db.js';

const SHIPPED = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');
const CONTACT = {
  firstname: 'Ada',
  lastname: 'Lovelace',
  email: 'ada@example.com',
  city: 'London',
  company: 'Acme',
};

describe('re-planning a write whose target changed after it was planned', () => {
  let store: StateStore;
  let dir: string;
  let cleanup: () => void;
  let crm: MemoryConnector;
  let erp: MemoryConnector;
  let sync: SyncDefinition;

  const setUp = (owner: string, optimisticConcurrency = true): void => {
    const clock = { now: Date.UTC(2024, 0, 1) };
    crm = memoryConnector('crm', { clock });
    erp = memoryConnector('erp', { clock, optimisticConcurrency });
    const mapping = path.join(dir, 'contacts.yaml');
    fs.writeFileSync(
      mapping,
      fs.readFileSync(SHIPPED, 'utf8').replace('owner: latest', `owner: ${owner}`).replace('../schemas/', ''),
    );
    const config = {
      ...syncSchema.parse({ mapping, crm: 'crm', erp: 'erp', maxAttempts: 5, direction: 'both', lookbackSeconds: 0 }),
      name: 'contacts',
      mappingFile: mapping,
    };
    sync = { name: 'contacts', config, mapping: loadMapping(mapping), crm, erp };
  };
  const run = (): Promise<RunStats> =>
    runSync({ sync, store, logger: silentLogger(), signal: new AbortController().signal }, { kind: 'incremental' });
  const partner = () => [...erp.records.values()].find((r) => r.fields['ref'] === 'HS-1');
  /** The CRM edits the city; a person edits the partner's city after Tandem pulled it, before the write. */
  const raceOnCity = async (): Promise<void> => {
    await run();
    const linked = partner();
    if (linked === undefined) throw new Error('no partner');
    crm.put('1', { ...CONTACT, city: 'Paris' });
    let once = true;
    erp.failWith = () => {
      if (once) erp.put(linked.id, { ...(partner()?.fields ?? {}), city: 'Person City' });
      once = false;
      return undefined;
    };
  };

  beforeEach(async () => {
    const tmp = tempDir();
    dir = tmp.dir;
    cleanup = tmp.cleanup;
    store = await StateStore.open(path.join(dir, 'state.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('owner latest: the person’s later edit wins on both sides, and nothing counts as failed', async () => {
    setUp('latest');
    crm.put('1', CONTACT);
    await raceOnCity();
    const stats = await run();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0, conflicts: 0 });
    expect(partner()?.fields['city']).toBe('Person City');
    expect(crm.records.get('1')?.fields['city']).toBe('Person City');
    expect((await store.outboxCounts('contacts')).pending).toBe(0);
  });

  it('owner manual: the person’s value stays and a conflict is recorded', async () => {
    setUp('manual');
    crm.put('1', CONTACT);
    await raceOnCity();
    const stats = await run();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, conflicts: 1 });
    expect(partner()?.fields['city']).toBe('Person City');
    expect(crm.records.get('1')?.fields['city']).toBe('Paris');
    expect((await store.conflicts('contacts')).map((c) => c.field)).toEqual(['city']);
  });

  it('a target that changes before every attempt is re-planned a bounded number of times, then waits', async () => {
    setUp('crm');
    crm.put('1', CONTACT);
    await run();
    crm.put('1', { ...CONTACT, city: 'Paris' });
    let edits = 0;
    erp.failWith = (op) => {
      if (op.action === 'upsert' && op.targetId !== null) {
        edits++;
        erp.put(op.targetId, { ...(erp.records.get(op.targetId)?.fields ?? {}), phone: `+1 ${edits}` });
      }
      return undefined;
    };
    const stats = await run();
    // The first write, each re-plan's, and at most one retry later in the run: never an endless loop.
    expect(edits).toBeGreaterThan(MAX_REPLANS_PER_RUN);
    expect(edits).toBeLessThanOrEqual(MAX_REPLANS_PER_RUN + 2);
    expect(stats).toMatchObject({ status: 'failed', deadLettered: 0 });
    expect((await store.outboxCounts('contacts')).pending).toBe(1);
    expect(partner()?.fields['city']).toBe('London');
  });

  it.each([false, true])(
    'a planned version travels only to a connector with optimistic concurrency (%s): others write as before',
    async (optimistic) => {
      setUp('latest', optimistic);
      crm.put('1', CONTACT);
      await run();
      crm.put('1', { ...CONTACT, city: 'Paris' });
      erp.failWith = () => ({ code: 'VENDOR_UNAVAILABLE', retryable: true });
      await run();
      const rows = await dbOf(store)
        .selectFrom('outbox')
        .select(['payload', 'planned_version'])
        .where('status', '=', 'pending')
        .execute();
      expect(rows.map((r) => r.planned_version !== null)).toEqual([optimistic]);
      // The version travels beside the vendor fields, never among them.
      expect(
        rows.flatMap((r) => Object.keys(JSON.parse(r.payload) as object).filter((k) => k.startsWith('@'))),
      ).toEqual([]);
    },
  );
});
