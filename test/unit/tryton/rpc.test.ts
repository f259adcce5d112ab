import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { trytonConfigSchema } from '../../../connectors/tryton/config.js';
import { TrytonRpc } from '../../../connectors/tryton/rpc.js';
import { idsSchema } from '../../../connectors/tryton/schemas.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';

const URL = 'http://tryton.test';
beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function client(secret: () => string, settings: { loginRetrySeconds?: number } = {}, retries = 0): TrytonRpc {
  const config = trytonConfigSchema.parse({ url: `${URL}/`, db: 'acme', login: 'tandem', ...settings });
  return new TrytonRpc('erp', config, {
    http: createTransport({ logger: silentLogger(), retry: { limit: retries, baseDelayMs: 1 } }),
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

  it('a refused login is AUTH_FAILED, sent once, and not repeated with the same password; a new password is tried at once', async () => {
    const scope = nock(URL)
      .post('/acme/', (b: { params: unknown[] }) => JSON.stringify(b.params[1]) === '{"password":"wrong"}')
      .once()
      .reply(401, '<h1>Unauthorized</h1>')
      .post('/acme/', (b: { params: unknown[] }) => JSON.stringify(b.params[1]) === '{"password":"right"}')
      .reply(200, { id: 2, result: [5, 'k'] });
    let password = 'wrong';
    // Retries on: a refused login must still go out once.
    const rpc = client(() => password, {}, 4);
    const error: unknown = await rpc.check().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_FAILED', retryable: false, status: 401 });
    expect((error as Error).message).toMatch(/check the login and the password secret/);
    expect((error as Error).message).toMatch(/will not try this password again for 300 s/);
    await expect(rpc.check()).rejects.toBe(error);
    await expect(rpc.model('party.party', 'search', [[]], idsSchema, { readOnly: true })).rejects.toBe(error);
    expect(rpc.logins).toBe(1);
    password = 'right';
    await rpc.check();
    expect(rpc.logins).toBe(2);
    scope.done();
  });

  it('a 429 to a login is a lockout, not rate limiting: LOGIN_LOCKED_OUT, never retried, and says why and what to do', async () => {
    const scope = nock(URL).post('/acme/').once().reply(429, '<h1>Too Many Requests</h1>');
    const rpc = client(() => 'p', {}, 4);
    const error: unknown = await rpc.check().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LOGIN_LOCKED_OUT', retryable: false, status: 429 });
    const message = (error as Error).message;
    expect(message).toContain('erp: tryton refused the login "tandem" on database "acme" (HTTP 429)');
    expect(message).toMatch(/too many failed attempts .*max_attempt, default 5.*timeout, default 300 s/);
    expect(message).toMatch(/every further attempt restarts that window/);
    await expect(rpc.check()).rejects.toBe(error);
    expect(rpc.logins).toBe(1);
    scope.done();
  });

  describe('after loginRetrySeconds (fake clock)', () => {
    afterEach(() => vi.useRealTimers());
    it('tries the same password again, once', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const scope = nock(URL).post('/acme/').times(2).reply(401, 'no');
      const rpc = client(() => 'p', { loginRetrySeconds: 60 });
      await expect(rpc.check()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      vi.advanceTimersByTime(59_000);
      await expect(rpc.check()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      expect(rpc.logins).toBe(1);
      vi.advanceTimersByTime(1_001);
      await expect(rpc.check()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      expect(rpc.logins).toBe(2);
      scope.done();
    });
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
