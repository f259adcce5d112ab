/**
 * Tryton's failures as Tandem errors. A Tryton exception arrives as HTTP 200 with an `error`
 * member holding the exception's args (trytond/protocols/jsonrpc.py `JSONProtocol.response`);
 * its name becomes the VendorError code:
 *
 * - `UserError` (validation, access rules, a record that no longer exists: every subclass of
 *   trytond.exceptions.UserError, AccessError included, is sent under this one name);
 * - `UserWarning` (a warning the user must confirm; Tandem cannot, so it fails the record);
 * - `ConcurrencyException`: the record changed after Tandem read it (`_timestamp` check in
 *   trytond/model/modelsql.py `__check_timestamp`): the write fails as STALE_WRITE, and the engine
 *   plans it again from a fresh read (src/pipeline/replan.ts);
 * - `LoginException`: the login needs another parameter (a second factor): AUTH_FAILED;
 * - any other exception: `SERVER_ERROR`, with its message.
 *
 * Authentication problems are HTTP statuses, not envelopes (trytond/protocols/dispatcher.py):
 * 401 for a bad login or an expired session, 403 for a method that is not exposed over RPC,
 * 429 when `[session] max_attempt` is exceeded.
 */
import { TransportError, VendorError, VendorResponseError } from '../../src/errors.js';
import { STALE_WRITE, type WriteFailure } from '../types.js';

export const AUTH_FAILED = 'AUTH_FAILED';
export const USER_ERROR = 'UserError';
export const CONCURRENCY = 'ConcurrencyException';
export const SERVER_ERROR = 'SERVER_ERROR';
/** 403: the method is not exposed over RPC (`__rpc__`), or the session was refused. */
export const FORBIDDEN = 'FORBIDDEN';

const KNOWN = new Set([USER_ERROR, 'UserWarning', CONCURRENCY, 'LoginException', 'RateLimitException']);

// A server exception that is only contention: SQLite's writer lock, PostgreSQL's serialization
// failures that outlived trytond's own `[database] retry` (trytond/protocols/dispatcher.py).
const LOCKED = /database is locked|could not serialize|deadlock detected|could not obtain lock/i;

const excerpt = (text: string): string => (text.length > 1000 ? `${text.slice(0, 1000)}…` : text);

/** The human part of an exception's args: UserError's message and description, else the text. */
function describeArgs(args: unknown): string {
  if (typeof args === 'string') return args;
  if (Array.isArray(args)) {
    return args
      .filter((part): part is string => typeof part === 'string' && part !== '')
      .slice(0, 2)
      .join(' - ');
  }
  return JSON.stringify(args) ?? '';
}

/** A Tryton exception from the envelope's `error` member (`[name, args]` or `[message, traceback]`). */
export function fromTrytonError(connector: string, endpoint: string, error: readonly unknown[]): VendorError {
  const [head, args] = error;
  const name = typeof head === 'string' ? head : 'unknown';
  const known = KNOWN.has(name);
  const message = known ? describeArgs(args) : name;
  const code = !known ? SERVER_ERROR : name === 'LoginException' ? AUTH_FAILED : name;
  return new VendorError(`${connector}: tryton ${endpoint} failed: ${known ? `${name}: ` : ''}${message}`, {
    connector,
    endpoint,
    status: 200,
    body: excerpt(known ? `${name}: ${message}` : message),
    retryable: name === CONCURRENCY || (!known && LOCKED.test(name)),
    code,
  });
}

/** An HTTP error status: 401 is a refused login or session, 403 a refused method. */
export function fromHttpStatus(connector: string, endpoint: string, status: number, text: string): VendorError {
  const code =
    status === 401
      ? AUTH_FAILED
      : status === 403
        ? FORBIDDEN
        : status === 429
          ? 'RATE_LIMITED'
          : status >= 500
            ? 'VENDOR_UNAVAILABLE'
            : 'HTTP_ERROR';
  const hint =
    status === 401
      ? ': check the login and the password secret'
      : status === 404
        ? ' (is the url the server root and the db name right?)'
        : '';
  return new VendorError(`${connector}: tryton ${endpoint} answered HTTP ${status}${hint}`, {
    connector,
    endpoint,
    status,
    body: excerpt(
      text
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
    retryable: status === 429 || status === 408 || status >= 500,
    code,
  });
}

/** True when the error is an authentication failure: the whole batch stops, not one record. */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof VendorError && error.code === AUTH_FAILED;
}

/** A failure that is not the vendor's (a bug, an abort): it propagates instead of failing a record. */
export function toWriteFailure(error: unknown): WriteFailure | undefined {
  if (error instanceof VendorError) {
    return {
      code: error.code === CONCURRENCY ? STALE_WRITE : error.code,
      message: error.message,
      retryable: error.retryable,
      vendor: {
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(typeof error.details['body'] === 'string' ? { body: error.details['body'] } : {}),
      },
    };
  }
  if (error instanceof TransportError) return { code: error.code, message: error.message, retryable: true };
  if (error instanceof VendorResponseError) return { code: error.code, message: error.message, retryable: false };
  return undefined;
}
