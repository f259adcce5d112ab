import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot/index.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { BASE, contact, readPages, searchPage } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const withArchivedReads = () =>
  hubspotConnector.create('crm', hubspotConnector.configSchema.parse({ archivedReads: true }), {
    http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
    logger: silentLogger(),
    secret: () => 'tok',
  });

const archived = (id: number, at: number) => ({
  ...contact(id, 500),
  archived: true,
  archivedAt: new Date(at).toISOString(),
});

describe('HubSpot reader with archivedReads (nock)', () => {
  it('after the live pages, yields what was archived since the read started as tombstones under the last cursor', async () => {
    const lists: Record<string, string>[] = [];
    const scope = nock(BASE)
      .post('/crm/v3/objects/contacts/search')
      .reply(200, searchPage([contact(1, 2000), contact(2, 3000)], false))
      .get('/crm/v3/objects/contacts')
      .query((q) => (lists.push(q as Record<string, string>), true))
      .reply(200, { results: [archived(7, 500), archived(8, 2500)], paging: { next: { after: '8' } } })
      .get('/crm/v3/objects/contacts')
      .query((q) => (lists.push(q as Record<string, string>), true))
      .reply(200, { results: [archived(9, 1000), archived(10, 900)] });
    const pages = await readPages(withArchivedReads(), { modifiedAt: new Date(1000).toISOString(), lastId: null }, 100);
    scope.done();
    expect(lists.map((q) => [q['archived'], q['limit'], q['after']])).toEqual([
      ['true', '100', undefined],
      ['true', '100', '8'],
    ]);
    expect(lists[0]?.['properties']?.split(',')).toEqual(expect.arrayContaining(['email', 'hs_object_id']));
    const live = { modifiedAt: new Date(3000).toISOString(), lastId: null };
    expect(pages.map((p) => [p.records.map((r) => [r.id, r.deleted, r.modifiedAt]), p.cursor])).toEqual([
      [
        [
          ['1', false, new Date(2000).toISOString()],
          ['2', false, new Date(3000).toISOString()],
        ],
        live,
      ],
      [[['8', true, new Date(2500).toISOString()]], live],
      [[['9', true, new Date(1000).toISOString()]], live],
    ]);
  });

  it('a first read (no cursor) and the default config list no archived records', async () => {
    const scope = nock(BASE)
      .post('/crm/v3/objects/contacts/search')
      .reply(200, searchPage([contact(1, 2000)], false))
      .post('/crm/v3/objects/contacts/search')
      .reply(200, searchPage([contact(1, 2000)], false));
    expect(await readPages(withArchivedReads(), null, 100)).toHaveLength(1);
    const plain = hubspotConnector.create('crm', hubspotConnector.configSchema.parse({}), {
      http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
      logger: silentLogger(),
      secret: () => 'tok',
    });
    expect(await readPages(plain, { modifiedAt: new Date(1000).toISOString(), lastId: null }, 100)).toHaveLength(1);
    scope.done();
  });
});
