import { afterEach, describe, expect, it } from 'vitest';
import { removeDir, SECRET, startSandbox, type Sandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  if (sandbox === undefined) return;
  await sandbox.close();
  await removeDir(sandbox.dir);
  sandbox = undefined;
});

const post = (url: string, body: string): Promise<Response> =>
  fetch(`${url}/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const call = (service: string, method: string, args: unknown[], id: unknown = 42): string =>
  JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id });

describe('odoo sandbox wire protocol and faults', () => {
  it('answers results and Odoo exceptions in the JSON-RPC envelope with HTTP 200, echoing the id', async () => {
    sandbox = await startSandbox();
    const ok = await post(sandbox.server.url, call('common', 'authenticate', ['tandem', 'admin', SECRET, {}], 'abc'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ jsonrpc: '2.0', id: 'abc', result: 2 });
    expect(
      await (await post(sandbox.server.url, call('common', 'authenticate', ['tandem', 'admin', 'nope', {}]))).json(),
    ).toEqual({ jsonrpc: '2.0', id: 42, result: false });
    const denied = await post(
      sandbox.server.url,
      call('object', 'execute_kw', ['tandem', 2, 'nope', 'res.partner', 'search_count', [[]]]),
    );
    expect(denied.status).toBe(200);
    expect(await denied.json()).toEqual({
      jsonrpc: '2.0',
      id: 42,
      error: {
        code: 200,
        message: 'Odoo Server Error',
        data: {
          name: 'odoo.exceptions.AccessDenied',
          message: 'Access Denied',
          arguments: ['Access Denied'],
          context: {},
          debug: 'odoo.exceptions.AccessDenied: Access Denied\n',
        },
      },
    });
    const wrongDb = (await (
      await post(sandbox.server.url, call('common', 'authenticate', ['other', 'admin', SECRET, {}]))
    ).json()) as { error: { data: { name: string } } };
    expect(wrongDb.error.data.name).toBe('psycopg2.OperationalError');
    expect((await post(sandbox.server.url, '{not json')).status).toBe(400);
  });

  it('create with one dict answers an id, with a list answers ids; write answers true', async () => {
    sandbox = await startSandbox();
    const exec = async (method: string, args: unknown[]): Promise<unknown> =>
      (
        (await (
          await post(
            sandbox?.server.url ?? '',
            call('object', 'execute_kw', ['tandem', 2, SECRET, 'res.partner', method, args]),
          )
        ).json()) as { result: unknown }
      ).result;
    const one = await exec('create', [{ name: 'Solo' }]);
    expect(typeof one).toBe('number');
    const many = await exec('create', [[{ name: 'Duo 1' }, { name: 'Duo 2' }]]);
    expect(many).toEqual([(one as number) + 1, (one as number) + 2]);
    expect(await exec('write', [[one], { phone: '+32 2 555 00 00', country_id: false }])).toBe(true);
    expect(
      await exec('read', [
        [one, 999999],
        ['phone', 'country_id', 'parent_id'],
      ]),
    ).toEqual([{ id: one, phone: '+32 2 555 00 00', country_id: false, parent_id: false }]);
  });

  it('renders injected 5xx as a proxy page, which the connector reports as retryable', async () => {
    sandbox = await startSandbox({ faults: { errorRate: 1 } });
    const response = await post(sandbox.server.url, call('common', 'version', []));
    expect([500, 502, 503]).toContain(response.status);
    expect(await response.text()).toMatch(/<html|<!doctype html>/i);
    await expect(sandbox.connector().check()).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE', retryable: true });
  });

  it('renders injected rate limits as 429 with Retry-After, which the connector reports as RATE_LIMITED', async () => {
    sandbox = await startSandbox({ faults: { rateLimitRate: 1 } });
    const response = await post(sandbox.server.url, call('common', 'version', []));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    await expect(sandbox.connector().check()).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      status: 429,
    });
  });
});
