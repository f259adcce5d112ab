/** nock helpers for the Odoo connector's unit tests: a scripted JSON-RPC server. */
import type nock from 'nock';
import { odooConnector } from '../../../connectors/odoo/index.js';
import type { Connector } from '../../../connectors/types.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';

export const BASE = 'http://odoo.test';
export const DB = 'acme';
export const LOGIN = 'api@acme.test';

export interface RpcBody {
  readonly jsonrpc: string;
  readonly method: string;
  readonly id: number;
  readonly params: { readonly service: string; readonly method: string; readonly args: unknown[] };
}

/** The parts of an `execute_kw` call. */
export interface ExecuteCall {
  readonly db: unknown;
  readonly uid: unknown;
  readonly password: unknown;
  readonly model: string;
  readonly method: string;
  readonly args: unknown[];
  readonly kwargs: Record<string, unknown>;
}

export function asExecute(body: RpcBody): ExecuteCall {
  const [db, uid, password, model, method, args, kwargs] = body.params.args;
  return {
    db,
    uid,
    password,
    model: String(model),
    method: String(method),
    args: args as unknown[],
    kwargs: (kwargs ?? {}) as Record<string, unknown>,
  };
}

/** A connector over a real transport (no retries) with a secret the test can rotate. */
export function makeConnector(secret: { value: string } = { value: 'key-1' }): Connector {
  return odooConnector.create('erp', odooConnector.configSchema.parse({ url: `${BASE}/`, db: DB, login: LOGIN }), {
    http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
    logger: silentLogger(),
    secret: () => secret.value,
  });
}

const ok = (body: RpcBody, result: unknown): Record<string, unknown> => ({ jsonrpc: '2.0', id: body.id, result });

/** Odoo's error envelope, as odoo/http.py renders an exception. */
export function odooError(body: RpcBody, name: string, message: string): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id: body.id,
    error: {
      code: 200,
      message: 'Odoo Server Error',
      data: { name, message, arguments: [message], context: {}, debug: `Traceback...\n${name}: ${message}\n` },
    },
  };
}

const isAuth = (body: RpcBody, password: string): boolean =>
  body.params.service === 'common' && body.params.method === 'authenticate' && body.params.args[2] === password;

/** Expects one `common.authenticate` with `password`, answering `uid`. */
export function expectAuth(scope: nock.Scope, password = 'key-1', uid: number | false = 2): nock.Scope {
  return scope
    .post('/jsonrpc', (body: RpcBody) => isAuth(body, password))
    .reply(200, (_uri, body) => ok(body as RpcBody, uid));
}

/**
 * Expects one `execute_kw` of `model.method` (and `match`, when given) and answers `respond`'s
 * value as the result, or its full envelope when it returns `{ envelope }`.
 */
export function expectExecute(
  scope: nock.Scope,
  model: string,
  method: string,
  respond: (call: ExecuteCall, body: RpcBody) => unknown,
  match: (call: ExecuteCall) => boolean = () => true,
): nock.Scope {
  return scope
    .post('/jsonrpc', (body: RpcBody) => {
      if (body.params.service !== 'object' || body.params.method !== 'execute_kw') return false;
      const call = asExecute(body);
      return call.model === model && call.method === method && match(call);
    })
    .reply(200, (_uri, raw) => {
      const body = raw as RpcBody;
      const value = respond(asExecute(body), body);
      if (typeof value === 'object' && value !== null && 'envelope' in value)
        return (value as { envelope: unknown }).envelope as Record<string, unknown>;
      return ok(body, value);
    });
}

export const envelope = (value: unknown): { envelope: unknown } => ({ envelope: value });

/** Collects every page of a read. */
export async function readAll<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}
