/** Filter pushdown into HubSpot search: the sync's filter rides along in every keyset query's group. */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pushedFilters } from '../../../connectors/hubspot/read-pages.js';
import type { ChangePage, FilterCondition } from '../../../connectors/types.js';
import { BASE, type SearchBody, connector, contact, filtersOf, searchPage } from './fixtures.js';

const SEARCH = '/crm/v3/objects/contacts/search';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const filter: FilterCondition[] = [
  { field: 'email', test: 'present' },
  { field: 'hs_is_unworked', test: 'equals', value: true },
];

describe('HubSpot search with a pushed-down filter', () => {
  it('present is HAS_PROPERTY, a boolean is EQ "true"/"false"; at most four ride along (six per group)', () => {
    expect(pushedFilters(filter)).toEqual([
      { propertyName: 'email', operator: 'HAS_PROPERTY' },
      { propertyName: 'hs_is_unworked', operator: 'EQ', value: 'true' },
    ]);
    const many = Array.from({ length: 7 }, (_, i): FilterCondition => ({ field: `p${i}`, test: 'present' }));
    expect(pushedFilters(many)).toHaveLength(4);
    expect(pushedFilters(undefined)).toEqual([]);
  });

  it('adds the filter to the scan and to the drain of one timestamp', async () => {
    const bodies: SearchBody[] = [];
    const record = (b: SearchBody): boolean => (bodies.push(b), true);
    const scope = nock(BASE)
      .post(SEARCH, record)
      .reply(200, searchPage([contact(10, 1000), contact(12, 1000)], true, 9))
      .post(SEARCH, record)
      .reply(200, searchPage([], false))
      .post(SEARCH, record)
      .reply(200, searchPage([], false));
    const pages: ChangePage[] = [];
    for await (const page of connector().reader.readChanges('contacts', {
      cursor: { modifiedAt: new Date(500).toISOString(), lastId: null },
      fields: ['email'],
      pageSize: 2,
      filter,
    }))
      pages.push(page);
    scope.done();
    expect(bodies.map(filtersOf)).toEqual([
      ['lastmodifieddate GTE 500', 'email HAS_PROPERTY', 'hs_is_unworked EQ true'],
      ['lastmodifieddate EQ 1000', 'email HAS_PROPERTY', 'hs_is_unworked EQ true'],
      ['lastmodifieddate GT 1000', 'email HAS_PROPERTY', 'hs_is_unworked EQ true'],
    ]);
    expect(bodies.every((b) => b.filterGroups.length === 1)).toBe(true);
  });
});
