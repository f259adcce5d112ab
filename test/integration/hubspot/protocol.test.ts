import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { startHubspotSandbox } from '../../../sandbox/hubspot/index.js';
import type { RunningServer } from '../../../sandbox/types.js';
import { TOKEN, WORLD, api, connectorFor, readAll, startSandbox, tempDir } from './harness.js';

describe('the HubSpot sandbox speaks HubSpot’s wire protocol', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function sandbox(tuning?: Parameters<typeof startSandbox>[1]): Promise<{ server: RunningServer; dir: string }> {
    const dir = await tempDir();
    const server = await startSandbox(dir, tuning);
    cleanups.push(async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return { server, dir };
  }

  it('answers a missing or wrong token with 401 and HubSpot’s INVALID_AUTHENTICATION body', async () => {
    const { server } = await sandbox();
    const wrong = await api(server.url, 'GET', '/crm/v3/objects/contacts', undefined, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({
      status: 'error',
      category: 'INVALID_AUTHENTICATION',
      correlationId: expect.any(String),
    });
    const none = await fetch(`${server.url}/crm/v3/objects/contacts`);
    expect(none.status).toBe(401);
  });

  it('rejects a batch of 101 inputs with a 400 VALIDATION_ERROR and writes nothing', async () => {
    const { server } = await sandbox();
    const inputs = Array.from({ length: 101 }, (_, i) => ({
      idProperty: 'tandem_ref',
      id: `R-${i}`,
      properties: { firstname: 'x' },
    }));
    const response = await api(server.url, 'POST', '/crm/v3/objects/contacts/batch/upsert', { inputs });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: expect.stringContaining('101'),
    });
    const read = await api(server.url, 'POST', '/crm/v3/objects/contacts/batch/read', {
      idProperty: 'tandem_ref',
      inputs: [{ id: 'R-0' }],
      properties: [],
    });
    expect(read.status).toBe(207);
  });

  it('rejects an unknown property in a write with HubSpot’s PROPERTY_DOESNT_EXIST message', async () => {
    const { server } = await sandbox();
    const response = await api(server.url, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [{ id: '1', properties: { shoe_size: '44' } }],
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: expect.stringMatching(/^Property values were not valid: .*PROPERTY_DOESNT_EXIST/),
    });
  });

  it('sends X-HubSpot-RateLimit-* headers and a 429 TEN_SECONDLY_ROLLING body once the window is used up', async () => {
    const { server } = await sandbox({ rateLimit: { max: 3, windowMs: 10_000 } });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await api(server.url, 'GET', '/crm/v3/objects/companies?limit=1');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      expect(ok.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      remaining.push(ok.headers.get('x-hubspot-ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await api(server.url, 'GET', '/crm/v3/objects/companies?limit=1');
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      message: 'You have reached your ten_secondly_rolling limit.',
    });
    // As HubSpot: no Retry-After; the window is in the headers the 429 carries like any answer.
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    // Search has its own limit and is exempt from the ten-secondly one; it carries no rate-limit headers.
    const search = await api(server.url, 'POST', '/crm/v3/objects/companies/search', { limit: 1 });
    expect(search.status).toBe(200);
    expect(search.headers.get('x-hubspot-ratelimit-max')).toBeNull();
  });

  it('limits search to its own requests per second with a SECONDLY 429', async () => {
    const { server } = await sandbox({ rateLimit: { searchPerSecond: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await api(server.url, 'POST', '/crm/v3/objects/contacts/search', { limit: 1 })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('answers 429 DAILY once the daily allowance is used up, with Daily-Remaining 0', async () => {
    const { server } = await sandbox({ rateLimit: { max: 100, daily: 2 } });
    const first = await api(server.url, 'GET', '/crm/v3/objects/companies?limit=1');
    expect(first.headers.get('x-hubspot-ratelimit-daily')).toBe('2');
    expect(first.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('1');
    expect((await api(server.url, 'GET', '/crm/v3/objects/companies?limit=1')).status).toBe(200);
    const limited = await api(server.url, 'GET', '/crm/v3/objects/companies?limit=1');
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'DAILY' });
    expect(limited.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
    expect(limited.headers.get('retry-after')).toBeNull();
  });

  it('answers a search that pages past 10,000 results with a 400, and never shows archived records', async () => {
    const { server } = await sandbox();
    const beyond = await api(server.url, 'POST', '/crm/v3/objects/contacts/search', { limit: 10, after: '10000' });
    expect(beyond).toMatchObject({ status: 400, json: { category: 'VALIDATION_ERROR' } });
    const tooBig = await api(server.url, 'POST', '/crm/v3/objects/contacts/search', { limit: 201 });
    expect(tooBig.status).toBe(400);
    expect(
      (await api(server.url, 'POST', '/crm/v3/objects/contacts/batch/archive', { inputs: [{ id: '5' }] })).status,
    ).toBe(204);
    const found = await api(server.url, 'POST', '/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'IN', values: ['4', '5', '6'] }] }],
    });
    expect((found.json['results'] as { id: string }[]).map((r) => r.id)).toEqual(['4', '6']);
    const archived = await api(server.url, 'GET', '/crm/v3/objects/contacts/5?archived=true');
    expect(archived.json).toMatchObject({ id: '5', archived: true, archivedAt: expect.any(String) });
  });

  it('keeps its data across a restart on the same folder, and does not seed twice', async () => {
    const dir = await tempDir();
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const first = await startSandbox(dir);
    const upserted = await api(first.url, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ idProperty: 'tandem_ref', id: 'KEEP-1', properties: { firstname: 'Kept' } }],
    });
    expect(upserted.status).toBe(200);
    await first.close();
    expect(fs.existsSync(`${dir}/hubspot.sqlite`)).toBe(true);
    const second = await startSandbox(dir);
    cleanups.push(() => second.close());
    const read = await api(second.url, 'POST', '/crm/v3/objects/contacts/batch/read', {
      idProperty: 'tandem_ref',
      inputs: [{ id: 'KEEP-1' }],
      properties: ['firstname'],
    });
    expect(read).toMatchObject({ status: 200, json: { results: [{ properties: { firstname: 'Kept' } }] } });
    const records = (await readAll(connectorFor(second.url), 'contacts', null)).flatMap((p) => p.records);
    expect(records).toHaveLength(WORLD.contacts.length + 1);
  });

  it('injects 5xx faults with a HubSpot error body, and the connector reports them as retryable', async () => {
    const dir = await tempDir();
    const server = await startHubspotSandbox({
      dataDir: dir,
      port: 0,
      world: WORLD,
      secret: TOKEN,
      logger: silentLogger(),
      faults: { errorRate: 1 },
    });
    cleanups.push(async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const response = await api(server.url, 'GET', '/crm/v3/objects/contacts');
    expect([500, 502, 503]).toContain(response.status);
    expect(response.json).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR' });
    await expect(connectorFor(server.url).check()).rejects.toMatchObject({ retryable: true, code: 'INTERNAL_ERROR' });
  });
});
