/**
 * The HubSpot read path at the vendor's page sizes (#14), by the requests the sandbox counts per
 * endpoint, never by time: search asks 200 a page, a full read with `fullReads: list` lists 100 a
 * page and never searches, an incremental read stays on search. And the sandbox's page-size limits.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot/index.js';
import { FULL_READ_CURSOR } from '../../../connectors/hubspot/read-pages.js';
import type { ChangePage, Connector, Cursor } from '../../../connectors/types.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import type { RunningServer } from '../../../sandbox/types.js';
import { TOKEN, WORLD, api, startSandbox, tempDir } from './harness.js';

const CONTACTS = WORLD.contacts.length;

function connector(url: string, settings: Record<string, unknown> = {}): Connector {
  return hubspotConnector.create('crm', hubspotConnector.configSchema.parse({ baseUrl: url, ...settings }), {
    http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
    logger: silentLogger(),
    secret: () => TOKEN,
  });
}

/** Reads to the end as the engine does when the sync sets no pageSize. */
async function read(crm: Connector, cursor: Cursor | null): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of crm.reader.readChanges('contacts', { cursor, fields: ['email'] })) pages.push(page);
  return pages;
}

describe('HubSpot read path: page sizes and the list endpoint for full reads (request counts)', () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = await tempDir();
    server = await startSandbox(dir);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The requests `fn` made, by endpoint. */
  async function counted(fn: () => Promise<unknown>): Promise<Record<string, number>> {
    const before = server.requestsByEndpoint();
    await fn();
    const after = server.requestsByEndpoint();
    return Object.fromEntries(
      Object.entries(after)
        .map(([endpoint, n]) => [endpoint, n - (before[endpoint] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
  }

  it('asks search for 200 a page by default: a full read of 300 contacts costs 2 searches, not 3', async () => {
    const crm = connector(server.url);
    let pages: ChangePage[] = [];
    const requests = await counted(async () => (pages = await read(crm, null)));
    expect(requests).toEqual({ 'POST /crm/v3/objects/contacts/search': 2 });
    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.id))).size).toBe(CONTACTS);
  });

  it('with fullReads: list, reads from the beginning through the list endpoint, 100 a page, and never searches', async () => {
    const crm = connector(server.url, { fullReads: 'list' });
    const started = Date.now();
    let pages: ChangePage[] = [];
    const requests = await counted(async () => (pages = await read(crm, null)));
    expect(requests).toEqual({ 'GET /crm/v3/objects/contacts': Math.ceil(CONTACTS / 100) });
    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.id))).size).toBe(CONTACTS);
    // Pages before the last resume from the beginning; the last from the time the read started.
    expect(pages.slice(0, -1).every((p) => p.cursor === FULL_READ_CURSOR)).toBe(true);
    const last = pages[pages.length - 1];
    expect(Date.parse(last?.cursor.modifiedAt ?? '')).toBeGreaterThanOrEqual(started - 1000);
    // Resuming from an earlier page's cursor is a full read again: the list, never a skip.
    const resumed = await counted(() => read(crm, FULL_READ_CURSOR));
    expect(resumed).toEqual({ 'GET /crm/v3/objects/contacts': Math.ceil(CONTACTS / 100) });
  });

  it('with fullReads: list, an incremental read stays on search and sees an edit made after the full read', async () => {
    const crm = connector(server.url, { fullReads: 'list' });
    const pages = await read(crm, null);
    const cursor = pages[pages.length - 1]?.cursor ?? null;
    expect(
      (await api(server.url, 'PATCH', '/__sandbox/objects/contacts/7', { properties: { jobtitle: 'CFO' } })).status,
    ).toBe(200);
    let changed: ChangePage[] = [];
    const requests = await counted(async () => (changed = await read(crm, cursor)));
    expect(Object.keys(requests)).toEqual(['POST /crm/v3/objects/contacts/search']);
    expect(changed.flatMap((p) => p.records.map((r) => r.id))).toContain('7');
  });
});

describe('the HubSpot sandbox enforces the read endpoints’ page sizes', () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = await tempDir();
    server = await startSandbox(dir, { rateLimit: { max: 4, searchPerSecond: 100 } });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists at most 100 a page and searches at most 200, with HubSpot’s 400 VALIDATION_ERROR past them', async () => {
    const list = await api(server.url, 'GET', '/crm/v3/objects/contacts?limit=100');
    expect((list.json['results'] as unknown[]).length).toBe(100);
    const tooMany = await api(server.url, 'GET', '/crm/v3/objects/contacts?limit=101');
    expect(tooMany).toMatchObject({ status: 400, json: { status: 'error', category: 'VALIDATION_ERROR' } });
    const search = await api(server.url, 'POST', '/crm/v3/objects/contacts/search', { limit: 200 });
    expect((search.json['results'] as unknown[]).length).toBe(200);
    const tooBig = await api(server.url, 'POST', '/crm/v3/objects/contacts/search', { limit: 201 });
    expect(tooBig).toMatchObject({ status: 400, json: { status: 'error', category: 'VALIDATION_ERROR' } });
    // The list is in the 10-second window (4 here); search is not, and spends none of it.
    expect(list.headers.get('x-hubspot-ratelimit-remaining')).toBe('3');
    expect(tooMany.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
    expect(search.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
    const next = await api(server.url, 'GET', '/crm/v3/objects/contacts?limit=1');
    expect(next.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
    expect(server.requestsByEndpoint()).toEqual({
      'GET /crm/v3/objects/contacts': 3,
      'POST /crm/v3/objects/contacts/search': 2,
    });
  });
});
