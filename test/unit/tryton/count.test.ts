import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trytonConnector } from '../../../connectors/tryton/index.js';
import { sinceDomain } from '../../../connectors/tryton/domains.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';

const URL = 'http://tryton.test';
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function erp() {
  return trytonConnector.create('erp', trytonConnector.configSchema.parse({ url: URL, db: 'acme', login: 'tandem' }), {
    http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
    logger: silentLogger(),
    secret: () => 'pw',
  });
}

const at = { __class__: 'datetime', year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5, microsecond: 6000 };

describe('tryton reader count', () => {
  it('the domain covers both streams: never updated by create_date, updated by write_date', () => {
    expect(sinceDomain(null)).toEqual([]);
    expect(sinceDomain('2024-01-02T03:04:05.006Z')).toEqual([
      [
        'OR',
        [
          ['write_date', '=', null],
          ['create_date', '>=', at],
        ],
        [['write_date', '>=', at]],
      ],
    ]);
  });

  it('search_count with that domain and active_test false as the context', async () => {
    const calls: { method: string; params: unknown[] }[] = [];
    const scope = nock(URL)
      .post('/acme/', (b: { method: string }) => b.method === 'common.db.login')
      .reply(200, { id: 1, result: [5, 'k1'] })
      .post('/acme/', (b: { method: string; params: unknown[] }) => (calls.push(b), b.method.endsWith('search_count')))
      .reply(200, { id: 2, result: 812 });
    expect(await erp().reader.count?.('party.party', { since: '2024-01-02T03:04:05.006Z' })).toBe(812);
    scope.done();
    expect(calls[0]?.method).toBe('model.party.party.search_count');
    expect(calls[0]?.params).toEqual([sinceDomain('2024-01-02T03:04:05.006Z'), { active_test: false }]);
  });
});
