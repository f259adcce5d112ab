/**
 * A JSON-RPC client for trytond over the injected transport. Every call is
 * `POST <url>/<db>/` with exactly `{id, method, params}` (trytond answers an envelope only for
 * that shape: trytond/protocols/jsonrpc.py `JSONProtocol.response`).
 *
 * Login: `common.db.login` with `[login, {password}, language]` answers `[user_id, session]`
 * (trytond/protocols/dispatcher.py `login`, trytond/security.py `login`). Later calls send
 * `Authorization: Session base64(login:user_id:session)` (trytond/protocols/wrappers.py
 * `parse_authorization_header`). A session expires (`[session] max_age`) or is dropped; trytond
 * then answers 401 (or 403), and the client logs in again once and repeats the call.
 *
 * A refused login (401, 403, or 429 for a login locked out) is never repeated blindly: the
 * transport does not retry it, and the refusal is remembered for the same password for
 * `loginRetrySeconds` (login-refusal.ts), since every failed attempt extends Tryton's lockout.
 *
 * Model methods are `model.<model>.<method>` with the context as the last positional parameter
 * (trytond/rpc.py `RPC.convert` pops it and refuses a call without one).
 *
 * Company: Tryton's clients send the user's preferences (`res.user.get_preferences(true)`, which
 * holds `company`) as the context of every call, and the company modules depend on it: a sale's
 * `company` and `currency` default from it, and the record rule "User in companies" refuses (or
 * hides) sales and invoices without it. The client asks the preferences once per session and sends
 * `company` with the calls on company-owned models ({@link COMPANY_SCOPED}); party calls stay as
 * they were (one request each).
 */
import { z } from 'zod';
import type { ConnectorContext } from '../types.js';
import type { TrytonConfig } from './config.js';
import { fromHttpStatus, fromTrytonError } from './errors.js';
import { DEFAULT_LOGIN_RETRY_SECONDS, isLoginRefusal, LOGIN_REFUSALS, loginRefused } from './login-refusal.js';
import { envelopeSchema, loginSchema, parseResponse } from './schemas.js';
import { fromTryton } from './values.js';
import type { VendorError } from '../../src/errors.js';

export interface CallOptions {
  /** Safe to retry on a network failure: search_read, read, fields_get. Never set for create / write. */
  readonly readOnly: boolean;
  readonly signal?: AbortSignal;
  /** Sent as the call's context (Tryton's `_timestamp`, `active_test`, ...). */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** Models whose records belong to a company: calls on them carry the user's `company`. */
export const COMPANY_SCOPED = /^(sale|account|company)\./;

const preferencesSchema = z.looseObject({ company: z.number().int().positive().nullable().optional() });

interface Session {
  readonly password: string;
  readonly auth: Promise<string>;
}

interface Refusal {
  readonly password: string;
  readonly error: VendorError;
  readonly until: number;
}

export class TrytonRpc {
  private requestId = 0;
  private session: Session | undefined;
  private refusal: Refusal | undefined;
  private preferences: { readonly session: Session; readonly context: Promise<Record<string, unknown>> } | undefined;
  /** Logins made: a test and a log line can tell a cached session from a fresh one. */
  logins = 0;

  constructor(
    readonly name: string,
    private readonly config: TrytonConfig,
    private readonly ctx: ConnectorContext,
  ) {}

  private async post(
    method: string,
    params: readonly unknown[],
    options: CallOptions,
    auth: string | undefined,
    finalStatuses?: readonly number[],
  ): Promise<{ status: number; text: string; body: unknown }> {
    const response = await this.ctx.http.request({
      method: 'POST',
      url: `${this.config.url}/${encodeURIComponent(this.config.db)}/`,
      headers: { accept: 'application/json', ...(auth === undefined ? {} : { authorization: auth }) },
      json: { id: ++this.requestId, method, params },
      idempotent: options.readOnly,
      ...(finalStatuses === undefined ? {} : { finalStatuses }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return response;
  }

  /** The envelope's decoded result, or the error it holds. */
  private unwrap(method: string, response: { status: number; text: string; body: unknown }): unknown {
    if (response.status < 200 || response.status >= 300)
      throw fromHttpStatus(this.name, method, response.status, response.text);
    const envelope = parseResponse(envelopeSchema, response.body, this.name, method);
    if (envelope.error !== undefined) throw fromTrytonError(this.name, method, envelope.error);
    return fromTryton(envelope.result);
  }

  private async login(password: string, signal?: AbortSignal): Promise<string> {
    this.logins++;
    const method = 'common.db.login';
    const response = await this.post(
      method,
      [this.config.login, { password }, this.config.language],
      { readOnly: true, ...(signal === undefined ? {} : { signal }) },
      undefined,
      LOGIN_REFUSALS,
    );
    if (LOGIN_REFUSALS.includes(response.status)) {
      const where = { connector: this.name, login: this.config.login, db: this.config.db };
      throw loginRefused(where, response.status, this.config.loginRetrySeconds ?? DEFAULT_LOGIN_RETRY_SECONDS);
    }
    const [userId, key] = parseResponse(loginSchema, this.unwrap(method, response), this.name, method);
    return `Session ${Buffer.from(`${this.config.login}:${userId}:${key}`).toString('base64')}`;
  }

  /**
   * The session for the current secret: one login per password, shared by concurrent calls.
   * Throws the remembered refusal while the same password was refused less than
   * `loginRetrySeconds` ago.
   */
  private current(signal?: AbortSignal): Session {
    const password = this.ctx.secret('password');
    const existing = this.session;
    if (existing?.password === password) return existing;
    const refused = this.refusal;
    if (refused?.password === password && Date.now() < refused.until) throw refused.error;
    const fresh: Session = { password, auth: this.login(password, signal) };
    this.session = fresh;
    // A failed login is not cached as a session; a refused one is remembered instead of repeated.
    fresh.auth.catch((error: unknown) => {
      if (this.session === fresh) this.session = undefined;
      if (isLoginRefusal(error)) {
        const seconds = this.config.loginRetrySeconds ?? DEFAULT_LOGIN_RETRY_SECONDS;
        this.refusal = { password, error, until: Date.now() + seconds * 1000 };
      }
    });
    return fresh;
  }

  /** Logs in (or reuses the session): proves the credentials. */
  async check(signal?: AbortSignal): Promise<void> {
    await this.current(signal).auth;
  }

  /** Calls `method` with `params`, the result decoded and checked against `schema`. */
  async call<T>(method: string, params: readonly unknown[], schema: z.ZodType<T>, options: CallOptions): Promise<T> {
    const session = this.current(options.signal);
    let response = await this.post(method, params, options, await session.auth);
    if (response.status === 401 || response.status === 403) {
      // The session expired or was removed server-side: log in once more and repeat the call.
      if (this.session === session) this.session = undefined;
      response = await this.post(method, params, options, await this.current(options.signal).auth);
    }
    return parseResponse(schema, this.unwrap(method, response), this.name, method);
  }

  /** The user's company as a context (`{company}`), asked once per session; `{}` for a user without one (asked again). */
  companyContext(signal?: AbortSignal): Promise<Record<string, unknown>> {
    const session = this.current(signal);
    if (this.preferences?.session !== session) {
      const context = this.call('model.res.user.get_preferences', [true, {}], preferencesSchema, {
        readOnly: true,
        ...(signal === undefined ? {} : { signal }),
      }).then((p): Record<string, unknown> => (typeof p.company === 'number' ? { company: p.company } : {}));
      this.preferences = { session, context };
      // A failure, or a user without a company yet (one may be given later), is asked again next time.
      const forget = (): void => {
        if (this.preferences?.context === context) this.preferences = undefined;
      };
      context.then((c) => (c['company'] === undefined ? forget() : undefined), forget);
    }
    return (this.preferences as { context: Promise<Record<string, unknown>> }).context;
  }

  /** `model.<model>.<method>(...args, context)`; a company-owned model's calls carry the user's company. */
  async model<T>(
    model: string,
    method: string,
    args: readonly unknown[],
    schema: z.ZodType<T>,
    options: CallOptions,
  ): Promise<T> {
    const company = COMPANY_SCOPED.test(model) ? await this.companyContext(options.signal) : {};
    return this.call(`model.${model}.${method}`, [...args, { ...company, ...options.context }], schema, options);
  }
}
