import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareCursor } from '../../../connectors/cursor.js';
import { syncSchema } from '../../../src/config/schema.js';
import { createLogger, type Logger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import type { ServerClock } from '../../../src/runtime/server-clock.js';
import { Metrics } from '../../../src/server/metrics.js';
import { StateStore } from '../../../state/index.js';
import { memoryConnector, type MemoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';

const MAPPING = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');
const iso = (ms: number): string => new Date(ms).toISOString();

function contact(i: number, city = 'Berlin'): Record<string, unknown> {
  return { firstname: `F${i}`, lastname: `L${i}`, email: `p${i}@example.com`, city };
}

describe('the checkpoint and the reading side clock', () => {
  let store: StateStore;
  let cleanup: () => void;
  let crm: MemoryConnector;
  let erp: MemoryConnector;
  let vendorNow: number;
  let lines: Record<string, unknown>[];
  let logger: Logger;
  // The CRM's own clock, as its Date headers would tell it: 2 h ahead of nothing in particular.
  const clock: ServerClock = { now: () => vendorNow, known: () => true, observe: () => undefined };

  const syncWith = (settleSeconds: number): SyncDefinition => {
    const config = {
      ...syncSchema.parse({ mapping: MAPPING, crm: 'crm', erp: 'erp', direction: 'crm-to-erp', lookbackSeconds: 0 }),
      name: 'contacts',
      mappingFile: MAPPING,
    };
    return { name: 'contacts', config, mapping: loadMapping(MAPPING), crm: { ...crm, clock, settleSeconds }, erp };
  };
  const run = (sync: SyncDefinition) =>
    runSync({ sync, store, logger, signal: new AbortController().signal }, { kind: 'incremental' });
  const cityOf = (i: number) => [...erp.records.values()].find((r) => r.fields['ref'] === `HS-${i}`)?.fields['city'];

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
    crm = memoryConnector('crm');
    erp = memoryConnector('erp');
    vendorNow = Date.UTC(2024, 5, 1, 12, 0, 0);
    lines = [];
    logger = createLogger({
      level: 'warn',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    });
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('a record dated after the vendor clock is processed but does not carry the checkpoint; a warning and a metric say so', async () => {
    const metrics = new Metrics();
    try {
      const sync = syncWith(0);
      for (let i = 1; i <= 4; i++) crm.put(String(i), contact(i), iso(vendorNow - 60_000 + i * 1000));
      crm.put('5', contact(5), '2099-01-01T00:00:00.000Z');
      const first = await run(sync);
      expect(first).toMatchObject({ status: 'succeeded', written: { erp: 5 } });
      const saved = await store.checkpoint('contacts', 'crm');
      expect(saved).not.toBeNull();
      expect(
        compareCursor(saved ?? { modifiedAt: '', lastId: null }, { modifiedAt: iso(vendorNow), lastId: null }),
      ).toBeLessThanOrEqual(0);
      const warning = lines.find((l) => String(l['msg']).includes("dated after crm's own clock"));
      expect(warning).toMatchObject({ level: 40, count: 1, side: 'crm', records: [{ id: '5' }] });
      const counter = await metrics.registry.getSingleMetric('tandem_records_future_dated_total')?.get();
      expect(counter?.values).toEqual([{ value: 1, labels: { sync: 'contacts', side: 'crm' } }]);

      // A later edit, dated by the vendor's clock, is seen by the next run.
      vendorNow += 60_000;
      crm.put('2', contact(2, 'Hamburg'), iso(vendorNow - 1000));
      const second = await run(sync);
      expect(second).toMatchObject({ status: 'succeeded', written: { erp: 1 } });
      expect(cityOf(2)).toBe('Hamburg');
    } finally {
      metrics.close();
    }
  });

  it('the checkpoint stays a settle window behind the vendor clock, so a change that shows up late is still read', async () => {
    const sync = syncWith(60);
    for (let i = 1; i <= 4; i++) crm.put(String(i), contact(i), iso(vendorNow - 20_000 + i * 1000));
    await run(sync);
    expect(await store.checkpoint('contacts', 'crm')).toEqual({ modifiedAt: iso(vendorNow - 60_000), lastId: null });

    // Dated 30 s ago (before every record the first run read), but visible only now: a lagging index.
    crm.put('9', contact(9, 'Köln'), iso(vendorNow - 30_000));
    vendorNow += 5_000;
    const second = await run(sync);
    expect(second).toMatchObject({ status: 'succeeded', written: { erp: 1 }, created: { erp: 1 } });
    expect(cityOf(9)).toBe('Köln');
  });
});
