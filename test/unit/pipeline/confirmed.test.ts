import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/types.js';
import { syncSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import type { ServerClock } from '../../../src/runtime/server-clock.js';
import { StateStore } from '../../../state/index.js';
import { memoryConnector, type MemoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';

const MAPPING = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');
const iso = (ms: number): string => new Date(ms).toISOString();
const contact = (i: number, city = 'Berlin') => ({
  firstname: `F${i}`,
  lastname: `L${i}`,
  email: `p${i}@example.com`,
  city,
});

describe('re-reads inside the settle window', () => {
  let store: StateStore;
  let cleanup: () => void;
  let crm: MemoryConnector;
  let erp: MemoryConnector;
  let lookups: number;
  const vendorNow = Date.UTC(2024, 5, 1, 12, 0, 0);
  const clock: ServerClock = { now: () => vendorNow, known: () => true, observe: () => undefined };

  const syncWith = (exactVersions: boolean): SyncDefinition => {
    const config = {
      ...syncSchema.parse({ mapping: MAPPING, crm: 'crm', erp: 'erp', direction: 'crm-to-erp', lookbackSeconds: 0 }),
      name: 'contacts',
      mappingFile: MAPPING,
    };
    const counted: Connector = {
      ...erp,
      lookup: {
        // As the runtime layer does, an empty lookup is no request.
        findBy: (object, field, values, fields, options) => {
          if (values.length > 0) lookups++;
          return erp.lookup.findBy(object, field, values, fields, options);
        },
      },
    };
    const reader = { ...crm, capabilities: { ...crm.capabilities, exactVersions }, clock, settleSeconds: 60 };
    return { name: 'contacts', config, mapping: loadMapping(MAPPING), crm: reader, erp: counted };
  };
  const run = (sync: SyncDefinition) =>
    runSync({ sync, store, logger: silentLogger(), signal: new AbortController().signal }, { kind: 'incremental' });
  const cityOf = (i: number) => [...erp.records.values()].find((r) => r.fields['ref'] === `HS-${i}`)?.fields['city'];

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
    crm = memoryConnector('crm');
    erp = memoryConnector('erp');
    lookups = 0;
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('exact versions: a record re-read at the version already merged costs no lookup', async () => {
    const sync = syncWith(true);
    for (let i = 1; i <= 5; i++) crm.put(String(i), contact(i), iso(vendorNow - 10_000 + i * 1000));
    // The create's link carries no version yet: the next run merges the echo and records it.
    await run(sync);
    await run(sync);
    lookups = 0;
    const again = await run(sync);
    expect(again).toMatchObject({ status: 'succeeded', pulled: { crm: 5 }, written: { erp: 0 } });
    expect(again.skippedAsEcho.crm).toBe(5);
    expect(lookups).toBe(0);
  });

  it('whole-second versions: an unchanged re-read costs no lookup, a second edit in the same second is not skipped', async () => {
    const sync = syncWith(false);
    const second = iso(vendorNow - 10_000);
    for (let i = 1; i <= 3; i++) crm.put(String(i), contact(i), second);
    await run(sync);
    await run(sync);
    lookups = 0;
    expect(await run(sync)).toMatchObject({ pulled: { crm: 3 }, written: { erp: 0 } });
    expect(lookups).toBe(0);

    // Edited again within the same (reported) second: the version does not change.
    crm.put('2', contact(2, 'Same Second'), second);
    const edited = await run(sync);
    expect(edited).toMatchObject({ status: 'succeeded', written: { erp: 1 } });
    expect(cityOf(2)).toBe('Same Second');
  });

  it('records outside the filter cost no lookup and are counted as filtered', async () => {
    const sync = syncWith(true);
    for (let i = 1; i <= 4; i++) crm.put(String(i), { ...contact(i), email: '' }, iso(vendorNow - 5000 + i));
    const stats = await run(sync);
    expect(stats).toMatchObject({ pulled: { crm: 4 }, filtered: 4, written: { erp: 0 } });
    expect(lookups).toBe(0);
  });
});
