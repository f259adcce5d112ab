import path from 'node:path';
import { BrokenCircuitError } from 'cockatiel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WriteOperation } from '../../../connectors/types.js';
import { StateStore } from '../../../state/index.js';
import { syncSchema } from '../../../src/config/schema.js';
import { TransportError, VendorError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import { createCircuit, type CircuitName } from '../../../src/runtime/breaker.js';
import { instrumentConnector } from '../../../src/runtime/instrument.js';
import { memoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';

const op: WriteOperation = {
  action: 'upsert',
  key: 'k',
  targetId: null,
  ref: { field: 'ref', value: 'HS-1' },
  fields: { name: 'A' },
};
const reset = new TransportError('POST /x failed: ECONNRESET', { url: '/x', method: 'POST', cause: 'ECONNRESET' });

describe('circuit breaker per connector (fake clock)', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('opens after consecutive outages, fails fast while open, probes once half-open, then closes', async () => {
    const erp = memoryConnector('erp');
    const saved: CircuitName[] = [];
    const circuit = createCircuit(
      'erp',
      { failures: 3, halfOpenAfterMs: 30_000 },
      { initialState: undefined, save: async (name) => void saved.push(name) },
      silentLogger(),
    );
    const wrapped = instrumentConnector(erp, silentLogger(), circuit);

    erp.down = reset;
    for (let i = 0; i < 3; i++) await expect(wrapped.writer.writeBatch('res.partner', [op])).rejects.toBe(reset);
    expect(circuit.state()).toBe('open');

    erp.down = undefined;
    const writesBefore = erp.writes;
    await expect(wrapped.writer.writeBatch('res.partner', [op])).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(erp.writes).toBe(writesBefore);

    vi.advanceTimersByTime(29_000);
    await expect(wrapped.writer.writeBatch('res.partner', [op])).rejects.toBeInstanceOf(BrokenCircuitError);
    vi.advanceTimersByTime(1_001);
    await expect(wrapped.writer.writeBatch('res.partner', [op])).resolves.toHaveLength(1);
    expect(circuit.state()).toBe('closed');
    expect(saved).toEqual(['open', 'half-open', 'closed']);
  });

  it('does not count a record-level validation error as an outage', async () => {
    const erp = memoryConnector('erp');
    const circuit = createCircuit('erp', { failures: 2, halfOpenAfterMs: 1000 }, undefined, silentLogger());
    const wrapped = instrumentConnector(erp, silentLogger(), circuit);
    erp.down = new VendorError('invalid email', {
      connector: 'erp',
      endpoint: 'create',
      status: 400,
      retryable: false,
    });
    for (let i = 0; i < 5; i++)
      await expect(wrapped.writer.writeBatch('res.partner', [op])).rejects.toBeInstanceOf(VendorError);
    expect(circuit.state()).toBe('closed');
  });

  it('restores an open circuit from its saved state after a restart', async () => {
    const erp = memoryConnector('erp');
    let state: unknown;
    const first = createCircuit(
      'erp',
      { failures: 1, halfOpenAfterMs: 60_000 },
      { initialState: undefined, save: async (_n, s) => void (state = s) },
      silentLogger(),
    );
    erp.down = reset;
    await expect(instrumentConnector(erp, silentLogger(), first).writer.writeBatch('res.partner', [op])).rejects.toBe(
      reset,
    );
    expect(first.state()).toBe('open');

    erp.down = undefined;
    const restarted = createCircuit(
      'erp',
      { failures: 1, halfOpenAfterMs: 60_000 },
      { initialState: state, save: async () => undefined },
      silentLogger(),
    );
    expect(restarted.state()).toBe('open');
    await expect(
      instrumentConnector(erp, silentLogger(), restarted).writer.writeBatch('res.partner', [op]),
    ).rejects.toBeInstanceOf(BrokenCircuitError);
  });
});

describe('an open circuit pauses its syncs without spending attempts; other syncs go on', () => {
  let store: StateStore;
  let cleanup: () => void;
  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('pauses the sync whose ERP is down and runs the healthy one', async () => {
    const mappingFile = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');
    const mapping = loadMapping(mappingFile);
    const define = (name: string, erpName: string, failures: number) => {
      const crm = memoryConnector('crm');
      for (let i = 1; i <= 3; i++)
        crm.put(String(i), { firstname: 'F', lastname: String(i), email: `p${i}@example.com` });
      const erp = memoryConnector(erpName);
      const circuit = createCircuit(erpName, { failures, halfOpenAfterMs: 60_000 }, undefined, silentLogger());
      const config = {
        ...syncSchema.parse({ mapping: mappingFile, crm: 'crm', erp: erpName, maxAttempts: 3 }),
        name,
        mappingFile,
      };
      const sync: SyncDefinition = {
        name,
        config,
        mapping,
        crm: instrumentConnector(crm, silentLogger()),
        erp: instrumentConnector(erp, silentLogger(), circuit),
      };
      return { sync, erp, circuit };
    };
    const sick = define('sick', 'erp-a', 1);
    const healthy = define('healthy', 'erp-b', 1);
    const run = (s: SyncDefinition) =>
      runSync(
        { sync: s, store, logger: silentLogger(), signal: new AbortController().signal },
        { kind: 'incremental' },
      );

    sick.erp.down = reset;
    expect((await run(sick.sync)).status).toBe('failed');
    expect(sick.circuit.state()).toBe('open');
    const attempts = async () => (await store.pendingOperations('sick', 'erp', 10)).map((r) => r.attempts);
    const before = await attempts();

    const paused = await run(sick.sync);
    expect(paused.status).toBe('paused');
    expect(await attempts()).toEqual(before);

    const ok = await run(healthy.sync);
    expect(ok).toMatchObject({ status: 'succeeded', written: { erp: 3 } });
  });
});
