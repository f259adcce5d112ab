/**
 * Odoo's external JSON-RPC API on `/jsonrpc`: the envelope `{jsonrpc: "2.0", method: "call",
 * params: {service, method, args}, id}` and the three services of `odoo/service/`:
 * `common` (version, login, authenticate), `object` (execute_kw, execute) and `db` (list).
 * Errors come back in Odoo's envelope with HTTP 200 (see errors.ts).
 */
import {
  OdooException,
  accessDenied,
  accessError,
  pyRepr,
  toJsonRpcError,
  typeError,
  userError,
  valueError,
  type JsonRpcError,
} from './errors.js';
import type { CustomModel } from './merge-wizard.js';
import type { Env, SqlModel } from './model.js';

/** What `common.version` returns (odoo/service/common.py RPC_VERSION_1), for a 17.0 server. */
export const VERSION_INFO = Object.freeze({
  server_version: '17.0',
  server_version_info: [17, 0, 0, 'final', 0, ''],
  server_serie: '17.0',
  protocol_version: 1,
});

export interface RpcOptions {
  readonly database: string;
  readonly login: string;
  readonly uid: number;
  /** The admin's password / API key, read on every call. */
  readonly secret: () => string;
  readonly models: ReadonlyMap<string, SqlModel>;
  /** Models served by code instead of a table (the partner merge wizard). */
  readonly custom?: ReadonlyMap<string, CustomModel>;
}

export interface RpcResponse {
  readonly jsonrpc: '2.0';
  readonly id: unknown;
  readonly result?: unknown;
  readonly error?: JsonRpcError;
}

/** Handles one parsed JSON-RPC request body; never throws. */
export function handleRpc(options: RpcOptions, body: unknown): RpcResponse {
  const request = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const id = request['id'] ?? null;
  try {
    const params = request['params'];
    if (typeof params !== 'object' || params === null)
      throw typeError("jsonrpc() missing 3 required positional arguments: 'service', 'method', and 'args'");
    const { service, method, args } = params as Record<string, unknown>;
    const list = Array.isArray(args) ? args : [];
    const result = dispatch(options, String(service), String(method), list);
    return result === undefined ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result };
  } catch (error) {
    return { jsonrpc: '2.0', id, error: toJsonRpcError(error) };
  }
}

function dispatch(options: RpcOptions, service: string, method: string, args: readonly unknown[]): unknown {
  switch (service) {
    case 'common':
      return common(options, method, args);
    case 'object':
      return object(options, method, args);
    case 'db':
      if (method === 'list') return [options.database];
      if (method === 'server_version') return VERSION_INFO.server_version;
      throw new OdooException('odoo.exceptions.AccessDenied', 'Access Denied');
    default:
      // dispatch_rpc looks the service up in a dict: an unknown one is a KeyError.
      throw new OdooException('builtins.KeyError', pyRepr(service));
  }
}

function checkDatabase(options: RpcOptions, db: unknown): void {
  if (db !== options.database) {
    throw new OdooException(
      'psycopg2.OperationalError',
      `connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database ${JSON.stringify(String(db))} does not exist\n`,
    );
  }
}

function credentialsMatch(options: RpcOptions, login: unknown, password: unknown): boolean {
  return login === options.login && typeof password === 'string' && password !== '' && password === options.secret();
}

function common(options: RpcOptions, method: string, args: readonly unknown[]): unknown {
  switch (method) {
    case 'version':
      return VERSION_INFO;
    case 'about':
      return 'See http://openerp.com';
    case 'login':
    case 'authenticate': {
      checkDatabase(options, args[0]);
      // exp_authenticate catches AccessDenied and answers False.
      return credentialsMatch(options, args[1], args[2]) ? options.uid : false;
    }
    default:
      throw new OdooException('builtins.Exception', `Method not found: ${method}`);
  }
}

function object(options: RpcOptions, method: string, args: readonly unknown[]): unknown {
  if (method !== 'execute_kw' && method !== 'execute')
    throw new OdooException('builtins.NameError', `Method not available ${method}`);
  const [db, uid, password, modelName, methodName] = args;
  checkDatabase(options, db);
  // security.check(db, uid, passwd): a wrong uid or password is AccessDenied.
  if (Number(uid) !== options.uid || typeof password !== 'string' || password === '' || password !== options.secret())
    throw accessDenied();
  const name = String(methodName);
  if (name.startsWith('_')) throw accessError(`Private methods (such as ${name}) cannot be called remotely.`);
  const model = options.models.get(String(modelName));
  const custom = options.custom?.get(String(modelName));
  if (model === undefined && custom === undefined) throw userError(`Object ${String(modelName)} doesn't exist`);
  let callArgs: readonly unknown[];
  let kwargs: Record<string, unknown>;
  if (method === 'execute_kw') {
    callArgs = Array.isArray(args[5]) ? args[5] : [];
    const raw = args[6];
    kwargs =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
  } else {
    callArgs = args.slice(5);
    kwargs = {};
  }
  const context = kwargs['context'];
  delete kwargs['context'];
  const env: Env = {
    uid: options.uid,
    context: typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {},
  };
  if (model === undefined) return custom?.call(env, name, callArgs, kwargs);
  return callMethod(model, env, name, callArgs, kwargs);
}

/** The public methods: parameter names in Odoo's order; `records` methods take ids first. */
const SIGNATURES: Readonly<Record<string, { records: boolean; params: readonly string[] }>> = {
  search_read: { records: false, params: ['domain', 'fields', 'offset', 'limit', 'order', 'load'] },
  search: { records: false, params: ['domain', 'offset', 'limit', 'order'] },
  search_count: { records: false, params: ['domain', 'limit'] },
  create: { records: false, params: ['vals_list'] },
  fields_get: { records: false, params: ['allfields', 'attributes'] },
  read: { records: true, params: ['fields', 'load'] },
  write: { records: true, params: ['vals'] },
  unlink: { records: true, params: [] },
};

function callMethod(
  model: SqlModel,
  env: Env,
  name: string,
  args: readonly unknown[],
  kwargs: Record<string, unknown>,
): unknown {
  const signature = SIGNATURES[name];
  const own = signature === undefined ? model.method(name) : undefined;
  // A model's own methods take the records first (ids, then their arguments), as button methods do.
  if (own !== undefined) return own(env, recordIds(args[0] ?? kwargs['ids']), args.slice(1));
  if (signature === undefined)
    throw new OdooException(
      'builtins.AttributeError',
      `The method '${name}' does not exist on the model '${model.def.name}'`,
    );
  const positional = signature.records ? args.slice(1) : args;
  if (positional.length > signature.params.length) {
    throw typeError(
      `${name}() takes at most ${signature.params.length} positional arguments (${positional.length} given)`,
    );
  }
  const bound: Record<string, unknown> = {};
  signature.params.forEach((param, i) => {
    if (i < positional.length) bound[param] = positional[i];
  });
  for (const [key, value] of Object.entries(kwargs)) {
    if (!signature.params.includes(key)) throw typeError(`${name}() got an unexpected keyword argument '${key}'`);
    if (key in bound) throw typeError(`${name}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  const ids = signature.records ? recordIds(args[0]) : [];
  const search = { domain: bound['domain'], offset: bound['offset'], limit: bound['limit'], order: bound['order'] };
  switch (name) {
    case 'search_read':
      return model.searchRead(env, search, bound['fields']);
    case 'search':
      return model.search(env, search);
    case 'search_count':
      return model.searchCount(env, bound['domain']);
    case 'fields_get':
      return model.fieldsGet(bound['allfields'], bound['attributes']);
    case 'read':
      return model.read(ids, bound['fields']);
    case 'write':
      return model.write(env, ids, bound['vals']);
    case 'unlink':
      return model.unlink(ids);
    default: {
      // create(vals) answers one id, create([vals, ...]) a list (odoo/api.py, _call_kw_model_create).
      const vals = bound['vals_list'];
      if (Array.isArray(vals)) return model.create(vals);
      return model.create([vals])[0];
    }
  }
}

function recordIds(value: unknown): number[] {
  const list = Array.isArray(value) ? value : value === undefined || value === false ? [] : [value];
  return list.map((id) => {
    if (typeof id !== 'number' || !Number.isInteger(id)) throw valueError(`Invalid record id ${pyRepr(id)}`);
    return id;
  });
}
