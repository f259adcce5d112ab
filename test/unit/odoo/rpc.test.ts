import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VendorError, VendorResponseError } from '../../../src/errors.js';
import {
  BASE,
  DB,
  LOGIN,
  envelope,
  expectAuth,
  expectExecute,
  makeConnector,
  odooError,
  type RpcBody,
} from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const countCall = (connector: ReturnType<typeof makeConnector>) =>
  connector.lookup.findBy('res.partner', 'ref', ['HS-1']);

describe('odoo JSON-RPC client', () => {
  it('sends the JSON-RPC envelope Odoo expects to /jsonrpc', async () => {
    let auth: RpcBody | undefined;
    const scope = nock(BASE)
      .matchHeader('content-type', /application\/json/)
      .post('/jsonrpc', (body: RpcBody) => {
        auth = body;
        return body.params.service === 'common';
      })
      .reply(200, (_uri, body) => ({ jsonrpc: '2.0', id: (body as RpcBody).id, result: 7 }));
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [],
      (call) => call.uid === 7,
    );
    await countCall(makeConnector());
    scope.done();
    expect(auth).toMatchObject({
      jsonrpc: '2.0',
      method: 'call',
      params: { service: 'common', method: 'authenticate', args: [DB, LOGIN, 'key-1', {}] },
    });
    expect(typeof auth?.id).toBe('number');
  });

  it('passes [db, uid, password, model, method, args, kwargs] to object.execute_kw', async () => {
    let seen: unknown[] = [];
    const scope = expectAuth(nock(BASE));
    scope
      .post('/jsonrpc', (body: RpcBody) => body.params.service === 'object')
      .reply(200, (_uri, raw) => {
        const body = raw as RpcBody;
        seen = body.params.args;
        return { jsonrpc: '2.0', id: body.id, result: [] };
      });
    await countCall(makeConnector());
    scope.done();
    expect(seen.slice(0, 5)).toEqual([DB, 2, 'key-1', 'res.partner', 'search_read']);
    expect(seen[5]).toEqual([[['ref', 'in', ['HS-1']]]]);
    expect(seen[6]).toMatchObject({ context: { active_test: false } });
  });

  it('authenticates once and reuses the uid', async () => {
    const scope = expectAuth(nock(BASE), 'key-1', 9);
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [],
      (call) => call.uid === 9,
    );
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [],
      (call) => call.uid === 9,
    );
    const connector = makeConnector();
    await countCall(connector);
    await countCall(connector);
    scope.done();
  });

  it('re-reads the secret on every call and re-authenticates after a rotation', async () => {
    const secret = { value: 'key-1' };
    const scope = expectAuth(nock(BASE), 'key-1', 2);
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [],
      (call) => call.password === 'key-1',
    );
    expectAuth(scope, 'key-2', 2);
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [],
      (call) => call.password === 'key-2',
    );
    const connector = makeConnector(secret);
    await countCall(connector);
    secret.value = 'key-2';
    await countCall(connector);
    scope.done();
  });

  it('answers AUTH_FAILED when authenticate returns false, and tries again on the next call', async () => {
    const scope = expectAuth(nock(BASE), 'key-1', false);
    expectAuth(scope, 'key-1', 2);
    expectExecute(scope, 'res.partner', 'search_read', () => []);
    const connector = makeConnector();
    const error = await countCall(connector).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ code: 'AUTH_FAILED', retryable: false });
    await countCall(connector);
    scope.done();
  });

  it('turns AccessDenied from execute_kw into AUTH_FAILED and forgets the cached uid', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_read', (_call, body) =>
      envelope(odooError(body, 'odoo.exceptions.AccessDenied', 'Access Denied')),
    );
    expectAuth(scope);
    expectExecute(scope, 'res.partner', 'search_read', () => []);
    const connector = makeConnector();
    await expect(countCall(connector)).rejects.toMatchObject({ code: 'AUTH_FAILED', retryable: false });
    await countCall(connector);
    scope.done();
  });

  it('maps an Odoo exception to a VendorError named after it, not retryable', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_read', (_call, body) =>
      envelope(odooError(body, 'builtins.ValueError', "Invalid field 'nope' on model 'res.partner'")),
    );
    const error = await countCall(makeConnector()).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ code: 'builtins.ValueError', retryable: false, status: 200 });
    expect((error as VendorError).message).toContain("Invalid field 'nope'");
  });

  it('marks PostgreSQL concurrency failures retryable', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_read', (_call, body) =>
      envelope(odooError(body, 'psycopg2.errors.SerializationFailure', 'could not serialize access')),
    );
    await expect(countCall(makeConnector())).rejects.toMatchObject({
      code: 'psycopg2.errors.SerializationFailure',
      retryable: true,
    });
    scope.done();
  });

  it.each([
    [503, 'VENDOR_UNAVAILABLE', true],
    [502, 'VENDOR_UNAVAILABLE', true],
    [429, 'RATE_LIMITED', true],
    [404, 'HTTP_ERROR', false],
  ])('maps HTTP %i from a proxy to %s (retryable %s)', async (status, code, retryable) => {
    const scope = expectAuth(nock(BASE));
    scope
      .post('/jsonrpc')
      .reply(status, '<html><body>proxy page</body></html>', { 'content-type': 'text/html', 'retry-after': '0' });
    await expect(countCall(makeConnector())).rejects.toMatchObject({ code, retryable, status });
    scope.done();
  });

  it('rejects a result of the wrong shape, naming the method and the field path', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_read', () => [
      { id: 4, ref: 'HS-1', write_date: '2024-01-01 10:00:00', active: true },
      { id: 5, ref: 'HS-1', write_date: 1704103200, active: true },
    ]);
    const error = await countCall(makeConnector()).catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(VendorResponseError);
    expect((error as VendorResponseError).details).toMatchObject({ endpoint: 'res.partner.search_read' });
    expect((error as VendorResponseError).message).toContain('[1].write_date');
  });

  it('rejects a body that is not a JSON-RPC envelope', async () => {
    const scope = nock(BASE).post('/jsonrpc').reply(200, { result: 2 });
    await expect(countCall(makeConnector())).rejects.toMatchObject({
      code: 'VENDOR_RESPONSE_INVALID',
      details: { endpoint: 'common.authenticate' },
    });
    scope.done();
  });

  it('check() calls version then authenticate, and reports bad credentials as AUTH_FAILED', async () => {
    const version = {
      server_version: '17.0',
      server_version_info: [17, 0, 0, 'final', 0, ''],
      server_serie: '17.0',
      protocol_version: 1,
    };
    const scope = nock(BASE)
      .post('/jsonrpc', (body: RpcBody) => body.params.service === 'common' && body.params.method === 'version')
      .reply(200, (_uri, body) => ({ jsonrpc: '2.0', id: (body as RpcBody).id, result: version }));
    expectAuth(scope, 'key-1', false);
    await expect(makeConnector().check()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    scope.done();
  });
});
