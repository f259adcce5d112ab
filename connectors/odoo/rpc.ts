/**
 * A JSON-RPC client for Odoo's external API over the injected transport: `POST <url>/jsonrpc`
 * with `{jsonrpc: "2.0", method: "call", params: {service, method, args}, id}`
 * (https://www.odoo.com/documentation/17.0/developer/reference/external_api.html).
 *
 * `object.execute_kw` takes `[db, uid, password, model, method, args, kwargs]`, so the client
 * authenticates once (`common.authenticate` -> uid or false), caches the uid for the password it
 * used, and authenticates again when the secret changes (key rotation). The password is read
 * from the secret on every call and never logged.
 */
import type { z } from 'zod';
import type { ConnectorContext } from '../types.js';
import type { OdooConfig } from './config.js';
import { authFailed, fromHttpStatus, fromOdooError, isAuthFailure } from './errors.js';
import { authenticateSchema, envelopeSchema, parseResponse, versionSchema } from './schemas.js';

export interface CallOptions {
  /** Safe to retry: search_read, read, fields_get. Never set for create / write. */
  readonly readOnly: boolean;
  readonly signal?: AbortSignal;
}

export interface ExecuteCall<T> {
  readonly model: string;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly schema: z.ZodType<T>;
}

export type OdooVersion = z.infer<typeof versionSchema>;

export class OdooRpc {
  private requestId = 0;
  private session: { readonly password: string; readonly uid: Promise<number> } | undefined;

  constructor(
    private readonly name: string,
    private readonly config: OdooConfig,
    private readonly ctx: ConnectorContext,
  ) {}

  /** One JSON-RPC call; resolves with the raw `result`, throws VendorError / VendorResponseError / TransportError. */
  async call(
    service: string,
    method: string,
    args: readonly unknown[],
    endpoint: string,
    options: CallOptions,
  ): Promise<unknown> {
    const response = await this.ctx.http.request({
      method: 'POST',
      url: `${this.config.url}/jsonrpc`,
      headers: { accept: 'application/json' },
      json: { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: ++this.requestId },
      idempotent: options.readOnly,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (response.status < 200 || response.status >= 300)
      throw fromHttpStatus(this.name, endpoint, response.status, response.text);
    const envelope = parseResponse(envelopeSchema, response.body, this.name, endpoint);
    if (envelope.error !== undefined) throw fromOdooError(this.name, endpoint, response.status, envelope.error);
    return envelope.result;
  }

  /** `common.version`: needs no credentials. */
  async version(signal?: AbortSignal): Promise<OdooVersion> {
    const result = await this.call('common', 'version', [], 'common.version', {
      readOnly: true,
      ...(signal === undefined ? {} : { signal }),
    });
    return parseResponse(versionSchema, result, this.name, 'common.version');
  }

  /** The uid for the current secret: cached per password, re-authenticated after a rotation. */
  async credentials(signal?: AbortSignal): Promise<{ readonly uid: number; readonly password: string }> {
    const password = this.ctx.secret('password');
    let session = this.session;
    if (session?.password !== password) {
      const uid = this.authenticate(password, signal);
      const fresh = { password, uid };
      session = fresh;
      this.session = fresh;
      // A failed authentication is not cached: the next call tries again.
      uid.catch(() => {
        if (this.session === fresh) this.session = undefined;
      });
    }
    return { uid: await session.uid, password };
  }

  private async authenticate(password: string, signal?: AbortSignal): Promise<number> {
    const result = await this.call(
      'common',
      'authenticate',
      [this.config.db, this.config.login, password, {}],
      'common.authenticate',
      {
        readOnly: true,
        ...(signal === undefined ? {} : { signal }),
      },
    );
    const uid = parseResponse(authenticateSchema, result, this.name, 'common.authenticate');
    if (uid === false) throw authFailed(this.name, this.config.db, this.config.login);
    return uid;
  }

  /** `object.execute_kw` on one model method, its result checked against `call.schema`. */
  async execute<T>(call: ExecuteCall<T>, options: CallOptions): Promise<T> {
    const endpoint = `${call.model}.${call.method}`;
    const { uid, password } = await this.credentials(options.signal);
    const args = [this.config.db, uid, password, call.model, call.method, call.args, call.kwargs ?? {}];
    try {
      const result = await this.call('object', 'execute_kw', args, endpoint, options);
      return parseResponse(call.schema, result, this.name, endpoint);
    } catch (error) {
      // A key revoked while the uid was cached: forget the session so the next call re-authenticates.
      if (isAuthFailure(error)) this.session = undefined;
      throw error;
    }
  }
}
