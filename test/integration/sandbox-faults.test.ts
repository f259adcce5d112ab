import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpsertOperation, WriteOperation } from '../../connectors/types.js';
import { openApp } from '../../src/app.js';
import { TransportError } from '../../src/errors.js';
import { createTransport } from '../../src/http/transport.js';
import { silentLogger } from '../../src/logger.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import type { FaultOptions } from '../../sandbox/faults.js';
import { startHubspotSandbox } from '../../sandbox/hubspot/index.js';
import { seedWorld } from '../../sandbox/seed.js';
import type { RunningServer } from '../../sandbox/types.js';
import { removeDir, startSandbox as startOdoo, type Sandbox } from './odoo/helpers.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { verifyContacts } from '../helpers/verify.js';
import { connectorFor } from './hubspot/harness.js';

const transport = createTransport({ logger: silentLogger(), timeoutMs: 300, retry: { limit: 0 } });
const world = seedWorld({ contacts: 20, companies: 5 });

const create = (ref: string): UpsertOperation => ({
  action: 'upsert',
  key: ref,
  targetId: null,
  ref: { field: 'ref', value: ref },
  fields: { name: `Partner ${ref}`, ref },
});

describe('sandbox transport faults', () => {
  let odoo: Sandbox | undefined;
  let hubspot: RunningServer | undefined;
  const dirs: (() => void)[] = [];
  afterEach(async () => {
    await odoo?.close();
    if (odoo !== undefined) await removeDir(odoo.dir);
    await hubspot?.close();
    odoo = undefined;
    hubspot = undefined;
    dirs.splice(0).forEach((cleanup) => cleanup());
  });

  const hubspotWith = async (faults: FaultOptions): Promise<RunningServer> => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    return startHubspotSandbox({ dataDir: dir, port: 0, world, faults, secret: 't', logger: silentLogger() });
  };
  const get = (server: RunningServer) =>
    transport.request({
      method: 'GET',
      url: `${server.url}/crm/v3/objects/contacts?limit=1`,
      headers: { authorization: 'Bearer t' },
    });

  it('resets the connection before handling the request', async () => {
    hubspot = await hubspotWith({ resetRate: 1 });
    const error = await get(hubspot).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).details['cause']).toMatch(/ECONNRESET|ERR_STREAM_PREMATURE_CLOSE/);
  });

  it('hangs past the client timeout', async () => {
    hubspot = await hubspotWith({ timeoutRate: 1, hangMs: 1000 });
    const error = await get(hubspot).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).details['cause']).toBe('ETIMEDOUT');
  });

  it('Odoo: applies a create, then loses its response; the retry finds it by reference and creates nothing', async () => {
    odoo = await startOdoo({ faults: { lostResponseRate: 1 } });
    await expect(odoo.connector().writer.writeBatch('res.partner', [create('LOST-1')])).resolves.toMatchObject([
      { ok: false, error: { retryable: true } },
    ]);
    const dir = odoo.dir;
    await odoo.close();
    odoo = await startOdoo({ dir });
    const found = await odoo.connector().lookup.findBy('res.partner', 'ref', ['LOST-1']);
    expect(found).toHaveLength(1);
    const [retry] = await odoo.connector().writer.writeBatch('res.partner', [create('LOST-1')]);
    expect(retry).toMatchObject({ ok: true, created: false, id: found[0]?.id });
    expect(await odoo.connector().lookup.findBy('res.partner', 'ref', ['LOST-1'])).toHaveLength(1);
  });

  it('HubSpot: applies an upsert, then loses its response', async () => {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    const options = { dataDir: dir, port: 0, world, secret: 't', logger: silentLogger() };
    hubspot = await startHubspotSandbox({ ...options, faults: { lostResponseRate: 1 } });
    const body = {
      inputs: [
        { idProperty: 'email', id: 'lost@example.com', properties: { email: 'lost@example.com', firstname: 'Lost' } },
      ],
    };
    const error = await transport
      .request({
        method: 'POST',
        url: `${hubspot.url}/crm/v3/objects/contacts/batch/upsert`,
        headers: { authorization: 'Bearer t' },
        json: body,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    await hubspot.close();
    hubspot = await startHubspotSandbox(options);
    const read = await transport.request({
      method: 'GET',
      url: `${hubspot.url}/crm/v3/objects/contacts/lost@example.com?idProperty=email&properties=firstname`,
      headers: { authorization: 'Bearer t' },
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ properties: { firstname: 'Lost' } });
    expect(fs.existsSync(dir)).toBe(true);
  });

  describe('HubSpot partial failures (207 multi-status)', () => {
    interface BatchBody {
      status: string;
      results: { id: string; objectWriteTraceId?: string; properties: Record<string, string | null> }[];
      numErrors?: number;
      errors?: {
        status: string;
        category: string;
        message: string;
        context: Record<string, string[]>;
        errors: unknown[];
        links: Record<string, string>;
      }[];
    }
    const post = (server: RunningServer, route: string, json: unknown) =>
      transport.request({
        method: 'POST',
        url: `${server.url}/crm/v3/objects/contacts/${route}`,
        headers: { authorization: 'Bearer t' },
        json,
      });
    const emails = Array.from({ length: 12 }, (_, i) => `partial${i}@example.com`);

    it('rejects some inputs of an upsert with transient per-input errors and applies only the others', async () => {
      hubspot = await hubspotWith({ partialFailureRate: 1 });
      const inputs = emails.map((email, i) => ({
        idProperty: 'email',
        id: email,
        objectWriteTraceId: `trace-${i}`,
        properties: { firstname: `P${i}` },
      }));
      const response = await post(hubspot, 'batch/upsert', { inputs });
      expect(response.status).toBe(207);
      const body = response.body as BatchBody;
      const errors = body.errors ?? [];
      expect(body.status).toBe('COMPLETE');
      expect(body.numErrors).toBe(errors.length);
      expect(errors.length).toBeGreaterThan(0);
      expect(body.results.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error).toMatchObject({ status: 'error', errors: [], links: {} });
        expect(['RATE_LIMITS', 'INTERNAL_ERROR']).toContain(error.category);
        expect(error.message).not.toBe('');
        const trace = error.context['objectWriteTraceId']?.[0] ?? '';
        expect(error.context['ids']).toEqual([emails[Number(trace.slice('trace-'.length))]]);
      }
      const applied = body.results.map((r) => r.objectWriteTraceId ?? '');
      const rejected = errors.map((e) => e.context['objectWriteTraceId']?.[0] ?? '');
      expect([...applied, ...rejected].sort()).toEqual(inputs.map((i) => i.objectWriteTraceId).sort());

      // Reads are never partial: only what was applied is there.
      const read = await post(hubspot, 'batch/read', {
        idProperty: 'email',
        inputs: emails.map((id) => ({ id })),
        properties: ['firstname'],
      });
      const found = (read.body as BatchBody).results.map((r) => r.properties['email']).sort();
      expect(found).toEqual(applied.map((t) => emails[Number(t.slice('trace-'.length))]).sort());
    });

    it('leaves a rejected update unapplied; create without trace ids and archive are never partial', async () => {
      hubspot = await hubspotWith({ partialFailureRate: 1 });
      const created = await post(hubspot, 'batch/create', {
        inputs: emails.slice(0, 4).map((email) => ({ properties: { email, firstname: 'Before' } })),
      });
      expect(created.status).toBe(201);
      const ids = (created.body as BatchBody).results.map((r) => r.id);
      expect(ids).toHaveLength(4);

      const updated = await post(hubspot, 'batch/update', {
        inputs: ids.map((id, i) => ({ id, objectWriteTraceId: String(i), properties: { firstname: 'After' } })),
      });
      expect(updated.status).toBe(207);
      const body = updated.body as BatchBody;
      const rejected = new Set((body.errors ?? []).map((e) => e.context['ids']?.[0]));
      expect(rejected.size).toBeGreaterThan(0);
      const read = await post(hubspot, 'batch/read', { inputs: ids.map((id) => ({ id })), properties: ['firstname'] });
      for (const record of (read.body as BatchBody).results)
        expect(record.properties['firstname']).toBe(rejected.has(record.id) ? 'Before' : 'After');

      const archived = await post(hubspot, 'batch/archive', { inputs: ids.map((id) => ({ id })) });
      expect(archived.status).toBe(204);
      const gone = await post(hubspot, 'batch/read', { inputs: ids.map((id) => ({ id })) });
      expect((gone.body as BatchBody).results).toEqual([]);
    });

    it('the writer keeps rejected operations retryable; sending them again applies each once', async () => {
      hubspot = await hubspotWith({ partialFailureRate: 0.5, seed: 3 });
      const crm = connectorFor(hubspot.url, () => 't');
      const op = (i: number): WriteOperation => ({
        action: 'upsert',
        key: `k${i}`,
        targetId: null,
        ref: { field: 'email', value: emails[i] ?? '' },
        fields: { firstname: `W${i}` },
      });
      let pending = emails.map((_, i) => op(i));
      const createdBy = new Map<string, string>();
      let passes = 0;
      let rejections = 0;
      while (pending.length > 0 && passes < 20) {
        passes++;
        const results = await crm.writer.writeBatch('contacts', pending);
        for (const result of results) {
          if (result.ok) {
            if (result.created) createdBy.set(result.key, result.id);
          } else {
            rejections++;
            expect(result.error).toMatchObject({ retryable: true, vendor: { status: 207 } });
            expect(['RATE_LIMITS', 'INTERNAL_ERROR']).toContain(result.error.code);
          }
        }
        const failed = new Set(results.filter((r) => !r.ok).map((r) => r.key));
        pending = pending.filter((o) => failed.has(o.key));
      }
      expect(rejections).toBeGreaterThan(0);
      expect(pending).toEqual([]);
      expect(createdBy.size).toBe(emails.length);
      const found = await crm.lookup.findBy('contacts', 'email', emails);
      expect(found).toHaveLength(emails.length);
      expect(new Set(found.map((r) => r.id))).toEqual(new Set(createdBy.values()));
    });

    it('in a sync, rejected writes stay in the outbox, then land on a later run: no dead letter, no duplicate', async () => {
      const { dir, cleanup } = tempDir();
      dirs.push(cleanup);
      const open = (faults: Record<string, number>) =>
        openApp(writeTestConfig({ dir, contacts: 120, companies: 12, faults, maxAttempts: 30 }), {
          logger: silentLogger(),
        });
      const run = async (app: Awaited<ReturnType<typeof open>>) => {
        const signal = new AbortController().signal;
        const deps = { store: app.store, logger: app.logger, signal };
        const { companies, contacts } = app.syncs;
        if (companies === undefined || contacts === undefined) throw new Error('no syncs');
        await runSync({ ...deps, sync: companies }, { kind: 'incremental' });
        return runSync({ ...deps, sync: contacts }, { kind: 'incremental' });
      };

      const faulty = await open({ partialFailureRate: 1 });
      try {
        const first = await run(faulty);
        expect(first.written.crm).toBeGreaterThan(0);
        const waiting = await faulty.store.pendingOperations('contacts', 'crm', 1000);
        expect(waiting.length).toBeGreaterThan(0);
        // Each delivery pass of the run spent an attempt; none reached maxAttempts.
        for (const row of waiting) {
          expect(row.attempts).toBeGreaterThanOrEqual(1);
          expect(row.status).toBe('pending');
          expect(JSON.parse(row.last_error ?? '{}')).toMatchObject({ retryable: true, vendor: { status: 207 } });
        }
        expect(await faulty.store.deadLetters()).toEqual([]);
      } finally {
        await faulty.close();
      }

      const calm = await open({});
      try {
        for (let i = 0; i < 3; i++) await run(calm);
        expect(await calm.store.pendingOperations('contacts', 'crm', 1000)).toEqual([]);
        expect(await calm.store.deadLetters()).toEqual([]);
        const check = await verifyContacts(calm);
        expect(check.missing).toEqual([]);
        expect(check.duplicated).toEqual([]);
        expect(check.duplicatedByEmail).toEqual([]);
        expect(check.mismatched).toEqual([]);
      } finally {
        await calm.close();
      }
    }, 60_000);
  });
});
