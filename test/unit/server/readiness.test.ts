import { describe, expect, it } from 'vitest';
import type { SyncEntry } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/logger.js';
import { createCircuit } from '../../../src/runtime/breaker.js';
import type { RuntimeConnector } from '../../../src/runtime/instrument.js';
import { readinessChecks } from '../../../src/server/readiness.js';
import type { StateStore } from '../../../state/index.js';

const sync = (name: string, staleAfterMs: number | undefined, enabled = true): SyncEntry =>
  ({ name, enabled, staleAfterMs, schedule: '* * * * *' }) as unknown as SyncEntry;

describe('readiness checks', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  const base = {
    store: {} as StateStore,
    connectors: {},
    webhooks: [],
    paused: () => false,
    startedAt: now - 10_000,
    now,
  };

  it('a sync is stale when its last success is older than staleAfterMs; paused, disabled and unlimited syncs are not checked', () => {
    const checks = readinessChecks({
      ...base,
      syncs: [
        sync('fresh', 60_000),
        sync('old', 60_000),
        sync('never', 5_000),
        sync('free', undefined),
        sync('off', 1, false),
      ],
      lastSuccess: new Map([
        ['fresh', '2025-06-01T11:59:30Z'],
        ['old', '2025-06-01T11:58:00Z'],
        ['never', null],
      ]),
    });
    expect(checks).toEqual([
      { name: 'stale:fresh', ok: true },
      {
        name: 'stale:old',
        ok: false,
        detail: 'no successful run of old for 120 s (limit 60 s; last 2025-06-01T11:58:00Z)',
      },
      { name: 'stale:never', ok: false, detail: 'no successful run of never for 10 s (limit 5 s; last never)' },
    ]);
    expect(
      readinessChecks({ ...base, syncs: [sync('old', 60_000)], lastSuccess: new Map(), paused: () => true }),
    ).toEqual([]);
  });

  it('names an open circuit and a silent webhook connector', () => {
    const circuit = createCircuit('crm', { failures: 1, halfOpenAfterMs: 60_000 }, undefined, silentLogger());
    circuit.policy.isolate();
    const connectors = { crm: { name: 'crm', circuit } as unknown as RuntimeConnector };
    const checks = readinessChecks({
      ...base,
      connectors,
      syncs: [],
      lastSuccess: new Map(),
      webhooks: [{ connector: 'crm', silenceAfterMs: 1000, lastEventAt: null, alarm: true }],
    });
    expect(checks).toEqual([
      { name: 'circuit:crm', ok: false, detail: 'the circuit of crm is isolated' },
      {
        name: 'webhooks:crm',
        ok: false,
        detail: 'no verified webhook from crm since start while polling finds changes',
      },
    ]);
  });
});
