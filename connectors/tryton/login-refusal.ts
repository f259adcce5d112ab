/**
 * A refused Tryton login, and why Tandem never repeats one blindly. trytond counts failed logins
 * per login over `[session] timeout` (default 300 s); past `[session] max_attempt` (default 5) it
 * answers 429 to every further attempt and counts that one too, so each try extends the lockout
 * (trytond/res/user.py `User.get_login`, `LoginAttempt`; trytond/protocols/dispatcher.py `login`).
 * The lockout is per login: it locks out the person who shares it as well.
 */
import { VendorError } from '../../src/errors.js';

export const AUTH_FAILED = 'AUTH_FAILED';
/** Tryton answered 429 to a login: too many failed attempts for this login, not rate limiting. */
export const LOGIN_LOCKED_OUT = 'LOGIN_LOCKED_OUT';

/** Statuses of a refused login (trytond aborts with them): final answers, never retried by the transport. */
export const LOGIN_REFUSALS: readonly number[] = [401, 403, 429];

/** Default pause after a refused login before Tandem tries the same password again: Tryton's default `[session] timeout`. */
export const DEFAULT_LOGIN_RETRY_SECONDS = 300;

export function loginRefused(
  where: { readonly connector: string; readonly login: string; readonly db: string },
  status: number,
  retrySeconds: number,
): VendorError {
  const who = `${where.connector}: tryton refused the login ${JSON.stringify(where.login)} on database ${JSON.stringify(where.db)}`;
  const wait = `Tandem will not try this password again for ${retrySeconds} s (or until the password secret changes)`;
  if (status === 429) {
    return new VendorError(
      `${who} (HTTP 429): the login is locked out after too many failed attempts (more than [session] max_attempt, default 5, within [session] timeout, default 300 s), and every further attempt restarts that window. ${wait}. Check the password secret and whoever else logs in as ${JSON.stringify(where.login)}, then let ${retrySeconds} s pass without any login attempt`,
      { connector: where.connector, endpoint: 'common.db.login', status, retryable: false, code: LOGIN_LOCKED_OUT },
    );
  }
  return new VendorError(
    `${who} (HTTP ${status}): check the login and the password secret. ${wait}: Tryton locks a login out after [session] max_attempt failed attempts (default 5)`,
    { connector: where.connector, endpoint: 'common.db.login', status, retryable: false, code: AUTH_FAILED },
  );
}

/** True for a refusal Tandem remembers instead of asking again with the same password. */
export function isLoginRefusal(error: unknown): error is VendorError {
  return error instanceof VendorError && (error.code === AUTH_FAILED || error.code === LOGIN_LOCKED_OUT);
}
