import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE, expectAuth, expectExecute, makeConnector } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('odoo reader count', () => {
  it('search_count on write_date >= the date (to the second), archived records included', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_count', (call) => {
      expect(call.args).toEqual([[['write_date', '>=', '2024-01-01 10:30:00']]]);
      expect(call.kwargs).toEqual({ context: { active_test: false } });
      return 4321;
    });
    expect(await makeConnector().reader.count?.('res.partner', { since: '2024-01-01T10:30:00.900Z' })).toBe(4321);
    scope.done();
  });

  it('counts everything without a date, and refuses an answer that is not a count', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_count', (call) => {
      expect(call.args).toEqual([[]]);
      return 7;
    });
    expectExecute(scope, 'res.partner', 'search_count', () => 'seven');
    const erp = makeConnector();
    expect(await erp.reader.count?.('res.partner', { since: null })).toBe(7);
    await expect(erp.reader.count?.('res.partner', { since: null })).rejects.toMatchObject({
      code: 'VENDOR_RESPONSE_INVALID',
    });
    scope.done();
  });
});
