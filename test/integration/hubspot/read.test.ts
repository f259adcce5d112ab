import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/types.js';
import type { RunningServer } from '../../../sandbox/types.js';
import { WORLD, api, connectorFor, readAll, startSandbox, tempDir } from './harness.js';

describe('HubSpot connector incremental reads against the sandbox', () => {
  let dir: string;
  let server: RunningServer;
  let crm: Connector;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startSandbox(dir);
    crm = connectorFor(server.url);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads every seeded contact exactly once, in ascending (modifiedAt, id) order', async () => {
    const pages = await readAll(crm, 'contacts', null);
    const records = pages.flatMap((p) => p.records);
    expect(records).toHaveLength(WORLD.contacts.length);
    expect(new Set(records.map((r) => r.id)).size).toBe(WORLD.contacts.length);
    const keys = records.map((r) => [r.modifiedAt, r.id.padStart(10, '0')].join('|'));
    expect(keys).toEqual([...keys].sort());
    expect(records[0]?.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(records.every((r) => r.deleted === false && typeof r.fields['email'] !== 'undefined')).toBe(true);
  });

  it('reads the bulk-import block of 80 contacts sharing one timestamp exactly once, with exact tie-breaker cursors', async () => {
    const pages = await readAll(crm, 'contacts', null);
    const shared = WORLD.contacts[100]?.modifiedAt;
    const block = pages.flatMap((p) => p.records).filter((r) => Date.parse(r.modifiedAt) === shared);
    expect(block).toHaveLength(80);
    expect(new Set(block.map((r) => r.id)).size).toBe(80);
    const exact = pages.filter((p) => p.cursor.lastId !== null && Date.parse(p.cursor.modifiedAt) === shared);
    expect(exact.length).toBeGreaterThanOrEqual(2);
  });

  it('resuming from any page cursor yields everything the earlier pages did not', async () => {
    const pages = await readAll(crm, 'contacts', null);
    const all = new Set(pages.flatMap((p) => p.records.map((r) => r.id)));
    for (let i = 0; i < pages.length; i++) {
      const page = pages[i];
      if (page === undefined) continue;
      const before = new Set(pages.slice(0, i + 1).flatMap((p) => p.records.map((r) => r.id)));
      const resumed = (await readAll(crm, 'contacts', page.cursor)).flatMap((p) => p.records.map((r) => r.id));
      const covered = new Set([...before, ...resumed]);
      expect([...all].filter((id) => !covered.has(id))).toEqual([]);
      // Only the cursor's own timestamp may be read again.
      expect(resumed.length).toBeLessThanOrEqual(all.size - before.size + 80);
    }
  });

  it('a record edited in HubSpot while a read is under way neither hides another record nor stops the read', async () => {
    const changes = crm.reader.readChanges('contacts', { cursor: null, fields: ['email'], pageSize: 50 });
    const iterator = changes[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done === true) throw new Error('no first page');
    const edited = first.value.records[3];
    if (edited === undefined) throw new Error('first page too short');
    const patched = await api(server.url, 'PATCH', `/__sandbox/objects/contacts/${edited.id}`, {
      properties: { jobtitle: 'CFO' },
    });
    expect(patched.status).toBe(200);
    const seen = [...first.value.records.map((r) => r.id)];
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
      seen.push(...next.value.records.map((r) => r.id));
    expect(new Set(seen).size).toBe(WORLD.contacts.length);
    expect(seen.filter((id) => id === edited.id)).toHaveLength(2);
  });

  it('reads companies by hs_lastmodifieddate', async () => {
    const records = (await readAll(crm, 'companies', null, 7)).flatMap((p) => p.records);
    expect(records).toHaveLength(WORLD.companies.length);
    expect(new Set(records.map((r) => r.id)).size).toBe(WORLD.companies.length);
  });

  it('a cursor at the end reads nothing new, and sees a write made after it', async () => {
    const pages = await readAll(crm, 'contacts', null);
    const end = pages[pages.length - 1]?.cursor ?? null;
    const again = (await readAll(crm, 'contacts', end)).flatMap((p) => p.records);
    expect(again.every((r) => r.modifiedAt === end?.modifiedAt)).toBe(true);
    await api(server.url, 'PATCH', '/__sandbox/objects/contacts/7', { properties: { city: 'Lyon' } });
    const after = (await readAll(crm, 'contacts', end)).flatMap((p) => p.records);
    expect(after.find((r) => r.id === '7')?.fields['email']).toBeDefined();
  });
});
