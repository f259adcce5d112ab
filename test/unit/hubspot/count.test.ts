import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { instrumentConnector } from '../../../src/runtime/instrument.js';
import { BASE, type SearchBody, connector, contact, filtersOf, searchPage } from './fixtures.js';

const SEARCH = '/crm/v3/objects/contacts/search';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('HubSpot reader count (nock)', () => {
  it("answers search's total for the records modified since the date, in one request of one result", async () => {
    const bodies: SearchBody[] = [];
    const scope = nock(BASE)
      .post(SEARCH, (b: SearchBody) => (bodies.push(b), true))
      .reply(200, searchPage([contact(1, 1000)], true, 12_345));
    const count = await connector().reader.count?.('contacts', { since: '2024-01-01T00:00:00.000Z' });
    scope.done();
    expect(count).toBe(12_345);
    expect(filtersOf(bodies[0] as SearchBody)).toEqual([`lastmodifieddate GTE ${Date.parse('2024-01-01T00:00:00Z')}`]);
    expect(bodies[0]).toMatchObject({ limit: 1, properties: ['hs_object_id'] });
  });

  it('counts everything without a date, through the runtime layer too', async () => {
    const bodies: SearchBody[] = [];
    const scope = nock(BASE)
      .post(SEARCH, (b: SearchBody) => (bodies.push(b), true))
      .reply(200, searchPage([], false, 0));
    const wrapped = instrumentConnector(connector(), silentLogger());
    expect(await wrapped.reader.count?.('contacts', { since: null })).toBe(0);
    scope.done();
    expect(bodies[0]?.filterGroups).toEqual([]);
  });

  it('refuses a date that is not ISO 8601 before asking HubSpot', async () => {
    await expect(connector().reader.count?.('contacts', { since: 'yesterday' })).rejects.toMatchObject({
      code: 'CURSOR_INVALID',
    });
  });

  it('a search answer without total is a vendor response error, not a silent 0', async () => {
    nock(BASE).post(SEARCH).reply(200, { results: [] });
    await expect(connector().reader.count?.('contacts', { since: null })).rejects.toMatchObject({
      code: 'VENDOR_RESPONSE_INVALID',
    });
  });
});
