/** The `searchIndexLagMs` fault: search sees a write only once indexed, with its true time; reads by id at once. */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { startHubspotSandbox } from '../../../sandbox/hubspot/index.js';
import type { RunningServer } from '../../../sandbox/types.js';
import { TOKEN, UNTHROTTLED, WORLD, api, tempDir } from './harness.js';

const LAG_MS = 600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HubSpot sandbox: search index lag', () => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startHubspotSandbox(
      // Seed 3 draws lags that are not all zero; every draw is in [0, LAG_MS].
      {
        dataDir: dir,
        port: 0,
        world: WORLD,
        secret: TOKEN,
        logger: silentLogger(),
        faults: { searchIndexLagMs: LAG_MS, seed: 3 },
      },
      UNTHROTTLED,
    );
  });
  afterAll(async () => {
    await server.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  const searchById = async (id: string) => {
    const { json } = await api(server.url, 'POST', '/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: id }] }],
      properties: ['city', 'lastmodifieddate'],
    });
    return (json['results'] as { properties: Record<string, string> }[])[0];
  };

  it('sends a Date header, as HubSpot does', async () => {
    const { headers } = await api(server.url, 'GET', '/crm/v3/objects/contacts/1');
    expect(Number.isNaN(Date.parse(headers.get('date') ?? ''))).toBe(false);
  });

  it('a batch update is read by id at once, searchable only after its lag, with its true modification time', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'];
    const written = await api(server.url, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: ids.map((id) => ({ id, properties: { city: `Lag ${id}` } })),
    });
    expect(written.status).toBe(200);
    const results = written.json['results'] as { id: string; properties: Record<string, string> }[];
    const modified = new Map(results.map((r) => [r.id, r.properties['lastmodifieddate']]));

    const byId = await api(server.url, 'GET', '/crm/v3/objects/contacts/2?properties=city');
    expect((byId.json['properties'] as Record<string, string>)['city']).toBe('Lag 2');
    // While lagging, a write is left out of search (draws of 0 ms are searchable at once).
    const unindexed = (await Promise.all(ids.map(searchById))).filter((r) => r === undefined);
    expect(unindexed.length).toBeGreaterThan(0);

    await sleep(LAG_MS + 50);
    for (const id of ids) {
      const found = await searchById(id);
      expect(found?.properties['city']).toBe(`Lag ${id}`);
      expect(found?.properties['lastmodifieddate']).toBe(modified.get(id));
    }
  });
});
