/**
 * Odoo's failures as Tandem errors. An Odoo exception arrives as HTTP 200 with an `error`
 * member (odoo/http.py `JsonRPCDispatcher.handle_error`); its `data.name` (e.g.
 * `odoo.exceptions.ValidationError`, `builtins.ValueError`) becomes the VendorError code. A
 * proxy's 429 or 5xx arrives as a plain HTTP error page.
 */
import type { WriteFailure } from '../types.js';
import { TransportError, VendorError, VendorResponseError } from '../../src/errors.js';
import type { OdooErrorBody } from './schemas.js';

/** Bad credentials: `common.authenticate` answered false, or `execute_kw` raised AccessDenied. */
export const AUTH_FAILED = 'AUTH_FAILED';
export const ACCESS_DENIED = 'odoo.exceptions.AccessDenied';
export const MISSING_ERROR = 'odoo.exceptions.MissingError';

// PostgreSQL concurrency failures that Odoo gives up on after its own retries
// (odoo/service/model.py PG_CONCURRENCY_ERRORS_TO_RETRY): the same call may succeed later.
const RETRYABLE_EXCEPTIONS =
  /SerializationFailure|LockNotAvailable|DeadlockDetected|ConcurrencyError|TransactionRollbackError/;

const excerpt = (text: string): string => (text.length > 1000 ? `${text.slice(0, 1000)}…` : text);

/** An Odoo exception from the envelope's `error` member. */
export function fromOdooError(connector: string, endpoint: string, status: number, error: OdooErrorBody): VendorError {
  const name = error.data?.name ?? `jsonrpc.${error.code}`;
  const message = error.data?.message ?? error.message;
  const code = name === ACCESS_DENIED ? AUTH_FAILED : name;
  return new VendorError(`${connector}: odoo ${endpoint} failed: ${name}: ${message}`, {
    connector,
    endpoint,
    status,
    body: excerpt(`${name}: ${message}`),
    retryable: RETRYABLE_EXCEPTIONS.test(name),
    code,
  });
}

/** An HTTP error status: 429 and 5xx (after the transport's own retries) may succeed later. */
export function fromHttpStatus(connector: string, endpoint: string, status: number, text: string): VendorError {
  const code = status === 429 ? 'RATE_LIMITED' : status >= 500 ? 'VENDOR_UNAVAILABLE' : 'HTTP_ERROR';
  const hint = status === 404 ? ' (is the url the server root, without /jsonrpc or /odoo?)' : '';
  return new VendorError(`${connector}: odoo ${endpoint} answered HTTP ${status}${hint}`, {
    connector,
    endpoint,
    status,
    body: excerpt(text),
    retryable: status === 429 || status === 408 || status >= 500,
    code,
  });
}

/** `common.authenticate` answered false. */
export function authFailed(connector: string, db: string, login: string): VendorError {
  return new VendorError(
    `${connector}: odoo rejected the login ${JSON.stringify(login)} on database ${JSON.stringify(db)}: check the login, the db name and the password / API key secret`,
    { connector, endpoint: 'common.authenticate', retryable: false, code: AUTH_FAILED },
  );
}

/** True when the error is an authentication failure: the whole batch stops, not one record. */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof VendorError && error.code === AUTH_FAILED;
}

/** A failed call as the outcome of one write operation; undefined for errors that are not the vendor's. */
export function toWriteFailure(error: unknown): WriteFailure | undefined {
  if (error instanceof VendorError) {
    const code = error.code === MISSING_ERROR ? 'NOT_FOUND' : error.code;
    return {
      code,
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
