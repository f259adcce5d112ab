import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE, type SearchBody, connector, contact, filtersOf, readPages, searchPage } from './fixtures.js';

const SEARCH = '/crm/v3/objects/contacts/search';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('HubSpot reader (nock)', () => {
  it('pages by keyset: holds back the last timestamp of a full page and starts the next query at it', async () => {
    const bodies: SearchBody[] = [];
    const scope = nock(BASE)
      .post(SEARCH, (b: SearchBody) => (bodies.push(b), true))
      .reply(200, searchPage([contact(1, 1000), contact(2, 2000), contact(3, 3000)], true, 5))
      .post(SEARCH)
      .reply(200, searchPage([contact(3, 3000), contact(4, 4000), contact(5, 5000)], false));
    const pages = await readPages(connector(), null, 3);
    scope.done();
    expect(bodies[0]).toMatchObject({
      filterGroups: [],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      limit: 3,
    });
    expect(bodies[0]?.properties).toEqual(expect.arrayContaining(['email', 'lastmodifieddate', 'hs_object_id']));
    expect(pages.map((p) => p.records.map((r) => r.id))).toEqual([
      ['1', '2'],
      ['3', '4', '5'],
    ]);
    expect(pages[0]?.cursor).toEqual({ modifiedAt: new Date(2000).toISOString(), lastId: null });
    expect(pages[1]?.cursor).toEqual({ modifiedAt: new Date(5000).toISOString(), lastId: null });
  });

  it('drains a full page of one timestamp by id (phase A) with exact cursors, then continues after it (phase B)', async () => {
    const bodies: SearchBody[] = [];
    const record = (b: SearchBody): boolean => (bodies.push(b), true);
    const scope = nock(BASE)
      .post(SEARCH, record)
      .reply(200, searchPage([contact(12, 1000), contact(10, 1000)], true, 9))
      .post(SEARCH, record)
      .reply(200, searchPage([contact(10, 1000), contact(11, 1000)], true))
      .post(SEARCH, record)
      .reply(200, searchPage([contact(12, 1000)], false))
      .post(SEARCH, record)
      .reply(200, searchPage([contact(13, 2000)], false));
    const pages = await readPages(connector(), null, 2);
    scope.done();
    expect(bodies.map(filtersOf)).toEqual([
      [],
      ['lastmodifieddate EQ 1000'],
      ['lastmodifieddate EQ 1000', 'hs_object_id GT 11'],
      ['lastmodifieddate GT 1000'],
    ]);
    expect(bodies[1]?.sorts).toEqual([{ propertyName: 'hs_object_id', direction: 'ASCENDING' }]);
    expect(pages.map((p) => p.cursor)).toEqual([
      { modifiedAt: new Date(1000).toISOString(), lastId: '11' },
      { modifiedAt: new Date(1000).toISOString(), lastId: '12' },
      { modifiedAt: new Date(2000).toISOString(), lastId: null },
    ]);
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(['10', '11', '12', '13']);
  });

  it('resumes from an exact tie-breaker cursor: the rest of that timestamp by id, then later ones', async () => {
    const bodies: SearchBody[] = [];
    const record = (b: SearchBody): boolean => (bodies.push(b), true);
    const scope = nock(BASE)
      .post(SEARCH, record)
      .reply(200, searchPage([contact(8, 5000)], false))
      .post(SEARCH, record)
      .reply(200, searchPage([contact(3, 6000)], false));
    const pages = await readPages(connector(), { modifiedAt: new Date(5000).toISOString(), lastId: '7' }, 100);
    scope.done();
    expect(bodies.map(filtersOf)).toEqual([
      ['lastmodifieddate EQ 5000', 'hs_object_id GT 7'],
      ['lastmodifieddate GT 5000'],
    ]);
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(['8', '3']);
  });

  it('resuming from a phase-B cursor re-reads its timestamp with GTE', async () => {
    const bodies: SearchBody[] = [];
    const scope = nock(BASE)
      .post(SEARCH, (b: SearchBody) => (bodies.push(b), true))
      .reply(200, searchPage([], false));
    expect(await readPages(connector(), { modifiedAt: new Date(7000).toISOString(), lastId: null }, 10)).toEqual([]);
    scope.done();
    expect(bodies.map(filtersOf)).toEqual([['lastmodifieddate GTE 7000']]);
  });

  it('never pages with `after`, so 12,000 records sharing one timestamp pass the 10,000-result cap', async () => {
    const ids = Array.from({ length: 12_000 }, (_, i) => i + 1);
    let calls = 0;
    const scope = nock(BASE)
      .post(SEARCH)
      .times(62)
      .reply((_uri, raw) => {
        calls++;
        const body = raw as SearchBody;
        if (body.after !== undefined)
          return [400, { status: 'error', category: 'VALIDATION_ERROR', message: 'after used' }];
        const filters = filtersOf(body);
        const gt = filters.find((f) => f.startsWith('hs_object_id GT'));
        if (filters.includes('lastmodifieddate GT 1000')) return [200, searchPage([], false)];
        const from = gt === undefined ? 0 : Number(gt.split(' ').pop());
        const slice = ids.filter((id) => id > from).slice(0, body.limit);
        const more = slice.length === body.limit && (slice[slice.length - 1] ?? 0) < ids.length;
        return [
          200,
          searchPage(
            slice.map((id) => contact(id, 1000)),
            more,
            12_000,
          ),
        ];
      });
    const pages = await readPages(connector(), null, 200);
    const read = pages.flatMap((p) => p.records.map((r) => r.id));
    expect(read).toHaveLength(12_000);
    expect(new Set(read).size).toBe(12_000);
    expect(pages.every((p) => p.cursor.lastId !== null)).toBe(true);
    expect(calls).toBe(62);
    scope.done();
  });

  it('rejects a search result of the wrong shape, naming the endpoint and the field', async () => {
    const scope = nock(BASE)
      .post(SEARCH)
      .reply(200, { total: 1, results: [{ id: 5, properties: {}, createdAt: 'x', updatedAt: 'x' }] });
    await expect(readPages(connector(), null, 10)).rejects.toMatchObject({
      code: 'VENDOR_RESPONSE_INVALID',
      details: { endpoint: 'POST /crm/v3/objects/contacts/search', issues: expect.stringContaining('results[0].id') },
    });
    scope.done();
  });

  it('reads companies by hs_lastmodifieddate', async () => {
    const at = new Date(4000).toISOString();
    const bodies: SearchBody[] = [];
    const scope = nock(BASE)
      .post('/crm/v3/objects/companies/search', (b: SearchBody) => (bodies.push(b), true))
      .reply(
        200,
        searchPage(
          [{ id: '9', properties: { hs_object_id: '9', hs_lastmodifieddate: at }, createdAt: at, updatedAt: at }],
          false,
        ),
      );
    const crm = connector();
    const pages = [];
    for await (const page of crm.reader.readChanges('companies', { cursor: null, fields: ['name'] })) pages.push(page);
    scope.done();
    expect(bodies[0]?.sorts[0]?.propertyName).toBe('hs_lastmodifieddate');
    expect(pages[0]?.records[0]).toMatchObject({ id: '9', modifiedAt: at, deleted: false });
  });
});
