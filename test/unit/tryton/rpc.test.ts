import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trytonConfigSchema } from '../../../connectors/tryton/config.js';
import { TrytonRpc } from '../../../connectors/tryton/rpc.js';
import { idsSchema } from '../../../connectors/tryton/schemas.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';

const URL = 'http://tryton.test';
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function client(secret: () => string): TrytonRpc {
  const config = trytonConfigSchema.parse({ url: `${URL}/`, db: 'acme', login: 'tandem' });
  return new TrytonRpc('erp', config, {
    http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
    logger: silentLogger(),
    secret,
  });
}

const session = (user: number, key: string) => `Session ${Buffer.from(`tandem:${user}:${key}`).toString('base64')}`;

describe('tryton rpc', () => {
  it('logs in once, sends the session header and the context last, and logs in again after a password change', async () => {
    let password = 'first';
    const scope = nock(URL)
      .post('/acme/', { id: 1, method: 'common.db.login', params: ['tandem', { password: 'first' }, 'en'] })
      .reply(200, { id: 1, result: [5, 'k1'] })
      .post(
        '/acme/',
        (b: { method: string; params: unknown[] }) =>
          b.method === 'model.party.party.search' && JSON.stringify(b.params.at(-1)) === '{"active_test":false}',
      )
      .matchHeader('authorization', session(5, 'k1'))
      .times(2)
      .reply(200, { id: 2, result: [1, 2] })
      .post(
        '/acme/',
        (b: { method: string; params: unknown[] }) =>
          b.method === 'common.db.login' && JSON.stringify(b.params[1]) === '{"password":"second"}',
      )
      .reply(200, { id: 4, result: [5, 'k2'] })
      .post('/acme/', (b: { method: string }) => b.method === 'model.party.party.search')
      .matchHeader('authorization', session(5, 'k2'))
      .reply(200, { id: 5, result: [3] });
    const rpc = client(() => password);
    const options = { readOnly: true, context: { active_test: false } };
    expect(await rpc.model('party.party', 'search', [[]], idsSchema, options)).toEqual([1, 2]);
    expect(await rpc.model('party.party', 'search', [[]], idsSchema, options)).toEqual([1, 2]);
    password = 'second';
    expect(await rpc.model('party.party', 'search', [[]], idsSchema, options)).toEqual([3]);
    expect(rpc.logins).toBe(2);
    scope.done();
  });

  it('a refused login is AUTH_FAILED and is not cached', async () => {
    const scope = nock(URL).post('/acme/').times(2).reply(401, '<h1>Unauthorized</h1>');
    const rpc = client(() => 'wrong');
    await expect(rpc.check()).rejects.toMatchObject({ code: 'AUTH_FAILED', retryable: false, status: 401 });
    await expect(rpc.check()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    scope.done();
  });

  it('names the method and the path of a result that does not match its schema', async () => {
    nock(URL)
      .post('/acme/')
      .reply(200, { id: 1, result: [5, 'k'] })
      .post('/acme/')
      .reply(200, { id: 2, result: [1, 'two'] });
    const error = await client(() => 'p')
      .model('party.party', 'search', [[]], idsSchema, { readOnly: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VENDOR_RESPONSE_INVALID' });
    expect((error as Error).message).toMatch(/model\.party\.party\.search answered an unexpected shape: \[1\]/);
  });
});
