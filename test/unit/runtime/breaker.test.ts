import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BrokenCircuitError, isBrokenCircuitError } from 'cockatiel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hubspotLimits } from '../../../connectors/hubspot/rate-limits.js';
import type { Connector } from '../../../connectors/types.js';
import { StateStore } from '../../../state/index.js';
import { syncSchema } from '../../../src/config/schema.js';
import { TransportError } from '../../../src/errors.js';
import { QuotaExhaustedError } from '../../../src/http/errors.js';
import { RequestPolicy, type Outcome } from '../../../src/http/policy.js';
import { createTransport, type HttpRequest, type HttpTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import { createCircuit, type CircuitName } from '../../../src/runtime/breaker.js';
import { instrumentConnector } from '../../../src/runtime/instrument.js';
import { memoryConnector, type MemoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';

const GET: HttpRequest = { method: 'GET', url: 'https://erp.test/things' };
const reset: Outcome = {
  kind: 'failed',
  code: 'ECONNRESET',
  error: new TransportError('GET /things failed: ECONNRESET', { url: '/things', method: 'GET', cause: 'ECONNRESET' }),
};
const status = (code: number, body?: unknown): Outcome => ({
  kind: 'response',
  response: { status: code, headers: {}, body, text: JSON.stringify(body ?? '') },
});

describe('circuit breaker per connector, outermost in its request policy (fake clock)', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('opens after consecutive outages, fails fast while open, probes once half-open, then closes', async () => {
    const saved: CircuitName[] = [];
    const circuit = createCircuit(
      'erp',
      { failures: 3, halfOpenAfterMs: 30_000 },
      { initialState: undefined, save: async (name) => void saved.push(name) },
      silentLogger(),
    );
    const policy = new RequestPolicy({ connector: 'erp', circuit, retry: { limit: 0 } });
    let sent = 0;
    const send = (outcome: Outcome) => () => (sent++, Promise.resolve(outcome));

    for (let i = 0; i < 3; i++) expect(await policy.run(GET, send(reset))).toMatchObject({ kind: 'failed' });
    expect(circuit.state()).toBe('open');

    await expect(policy.run(GET, send(status(200)))).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(sent).toBe(3);

    vi.advanceTimersByTime(29_000);
    await expect(policy.run(GET, send(status(200)))).rejects.toBeInstanceOf(BrokenCircuitError);
    vi.advanceTimersByTime(1_001);
    expect(await policy.run(GET, send(status(200)))).toMatchObject({ response: { status: 200 } });
    expect(circuit.state()).toBe('closed');
    expect(saved).toEqual(['open', 'half-open', 'closed']);
  });

  it('counts 5xx and 429 answers that outlived their retries, never a rejected record (4xx)', async () => {
    const circuit = createCircuit('erp', { failures: 2, halfOpenAfterMs: 1000 }, undefined, silentLogger());
    const policy = new RequestPolicy({ connector: 'erp', circuit, retry: { limit: 0 } });
    for (let i = 0; i < 5; i++) await policy.run(GET, () => Promise.resolve(status(400, { message: 'invalid email' })));
    expect(circuit.state()).toBe('closed');
    // A create is not retried (not idempotent), but its 503 still says the vendor is down.
    const create: HttpRequest = { method: 'POST', url: 'https://erp.test/create' };
    await policy.run(create, () => Promise.resolve(status(503)));
    await policy.run(GET, () => Promise.resolve(status(429)));
    expect(circuit.state()).toBe('open');
  });

  it('restores an open circuit from its saved state after a restart', async () => {
    let state: unknown;
    const first = createCircuit(
      'erp',
      { failures: 1, halfOpenAfterMs: 60_000 },
      { initialState: undefined, save: async (_n, s) => void (state = s) },
      silentLogger(),
    );
    await new RequestPolicy({ connector: 'erp', circuit: first, retry: { limit: 0 } }).run(GET, () =>
      Promise.resolve(reset),
    );
    expect(first.state()).toBe('open');

    const restarted = createCircuit(
      'erp',
      { failures: 1, halfOpenAfterMs: 60_000 },
      { initialState: JSON.parse(JSON.stringify(state)) as unknown, save: async () => undefined },
      silentLogger(),
    );
    expect(restarted.state()).toBe('open');
    let sent = 0;
    await expect(
      new RequestPolicy({ connector: 'erp', circuit: restarted }).run(
        GET,
        () => (sent++, Promise.resolve(status(200))),
      ),
    ).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(sent).toBe(0);
  });

  it("opens at once on HubSpot's DAILY 429, says why, and stays open until the hour's probe", async () => {
    const circuit = createCircuit('crm', { failures: 5, halfOpenAfterMs: 30_000 }, undefined, silentLogger());
    const policy = new RequestPolicy({ connector: 'crm', circuit, limits: hubspotLimits({ searchPerSecond: 5 }) });
    let sent = 0;
    const daily = status(429, { status: 'error', errorType: 'RATE_LIMIT', policyName: 'DAILY', message: 'daily' });
    const hubspotGet: HttpRequest = { method: 'GET', url: 'https://api.hubapi.test/crm/v3/objects/contacts' };
    expect(await policy.run(hubspotGet, () => (sent++, Promise.resolve(daily)))).toMatchObject({
      verdict: { retry: false, outage: true },
    });
    expect(sent).toBe(1);
    expect(circuit.state()).toBe('open');
    const error: unknown = await policy.run(hubspotGet, () => (sent++, Promise.resolve(status(200)))).catch((e) => e);
    expect(error).toBeInstanceOf(QuotaExhaustedError);
    expect(isBrokenCircuitError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/crm: HubSpot's daily API limit is used up .* paused until/);
    vi.advanceTimersByTime(30 * 60_000);
    await expect(policy.run(hubspotGet, () => Promise.resolve(status(200)))).rejects.toBeInstanceOf(
      QuotaExhaustedError,
    );
    vi.advanceTimersByTime(30 * 60_000 + 1);
    expect(await policy.run(hubspotGet, () => Promise.resolve(status(200)))).toMatchObject({
      response: { status: 200 },
    });
    expect(circuit.state()).toBe('closed');
    expect(sent).toBe(1);
  });
});

/** A memory connector whose writes first go over HTTP to `url`, as a vendor connector's would. */
function behindHttp(inner: MemoryConnector, transport: HttpTransport, url: string): Connector {
  return {
    ...inner,
    writer: {
      async writeBatch(object, operations) {
        await transport.request({ method: 'POST', url, idempotent: true });
        return inner.writer.writeBatch(object, operations);
      },
    },
  };
}

describe('an open circuit pauses its syncs without spending attempts; other syncs go on', () => {
  let store: StateStore;
  let cleanup: () => void;
  let server: http.Server;
  let url = '';
  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
    // A vendor that is down: every connection is reset before an answer.
    server = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/write`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    cleanup();
  });

  it('pauses the sync whose ERP is down and runs the healthy one', async () => {
    const mappingFile = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');
    const mapping = loadMapping(mappingFile);
    const define = (name: string, erpName: string, down: boolean) => {
      const crm = memoryConnector('crm');
      for (let i = 1; i <= 3; i++)
        crm.put(String(i), { firstname: 'F', lastname: String(i), email: `p${i}@example.com` });
      const erp = memoryConnector(erpName);
      const circuit = createCircuit(erpName, { failures: 1, halfOpenAfterMs: 60_000 }, undefined, silentLogger());
      const transport = createTransport({ logger: silentLogger(), connector: erpName, circuit, retry: { limit: 0 } });
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
        erp: instrumentConnector(down ? behindHttp(erp, transport, url) : erp, silentLogger(), circuit),
      };
      return { sync, circuit };
    };
    const sick = define('sick', 'erp-a', true);
    const healthy = define('healthy', 'erp-b', false);
    const run = (s: SyncDefinition) =>
      runSync(
        { sync: s, store, logger: silentLogger(), signal: new AbortController().signal },
        { kind: 'incremental' },
      );

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
