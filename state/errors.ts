/**
 * The state store's own errors, each with a stable `code`: a lease another process holds or took,
 * a write that would link one record to two, and a database that stayed busy through every retry.
 */
import { TandemError } from '../src/errors.js';
import type { LeaseInfo } from './leases.js';

/** Another process holds the sync's lease: this one must not drive the sync now. */
export class LeaseHeldError extends TandemError {
  constructor(
    message: string,
    readonly holder: LeaseInfo,
  ) {
    super('LEASE_HELD', message, { sync: holder.sync, owner: holder.owner, pid: holder.pid, host: holder.host });
  }
}

/**
 * This process's lease of a sync was taken over (it expired and another process took it, or it
 * was released): its fencing token is stale, so the write was refused and nothing was written.
 */
export class LeaseLostError extends TandemError {
  constructor(sync: string, owner: string, token: number) {
    super(
      'LEASE_LOST',
      `the lease of sync "${sync}" was lost (token ${token} is no longer current): another process drives it now; this run stopped without writing`,
      { sync, owner, token },
    );
  }
}

/** A confirmed write would link a record already linked to another one: a person must decide. */
export class LinkConflictError extends TandemError {
  constructor(details: { sync: string; crmId: string; erpId: string }, cause: unknown) {
    super(
      'LINK_CONFLICT',
      `sync "${details.sync}": cannot link crm ${details.crmId} to erp ${details.erpId}: one of them is linked to another record already`,
      details,
      cause,
    );
  }
}

/** The database stayed locked by another process through every retry; nothing was written. */
export class StoreBusyError extends TandemError {
  constructor(file: string, attempts: number, cause: unknown) {
    super(
      'STATE_BUSY',
      `state store ${file} stayed locked by another process through ${attempts} attempts; nothing was written, the next run tries again`,
      { file, attempts },
      cause,
    );
  }
}

export function isLinkConflict(error: unknown): error is LinkConflictError {
  return error instanceof LinkConflictError;
}

export function isLeaseLost(error: unknown): error is LeaseLostError {
  return error instanceof LeaseLostError;
}

export function isLeaseHeld(error: unknown): error is LeaseHeldError {
  return error instanceof LeaseHeldError;
}

/** The driver's error code (better-sqlite3's `SQLITE_*`, pg's SQLSTATE), if any. */
function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : '';
}

/**
 * A lock held by another connection, not a fault of the statement: SQLite's BUSY and LOCKED
 * families; PostgreSQL's serialization failure, deadlock and lock-not-available.
 */
export function isBusy(error: unknown): boolean {
  const code = codeOf(error);
  return /^SQLITE_(BUSY|LOCKED)/.test(code) || code === '40001' || code === '40P01' || code === '55P03';
}

/** A unique index refused the row (SQLite's SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY, PostgreSQL's 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** The store's schema cannot be used: a migration failed, or (PostgreSQL) some are not applied yet. */
export class StoreSchemaError extends TandemError {
  constructor(message: string, location: string, cause?: unknown) {
    super('STATE_SCHEMA', message, { location }, cause);
  }
}
