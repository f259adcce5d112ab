/**
 * One writer per sync: a lease row per sync with its holder, heartbeat, expiry and a fencing
 * token. Taking a lease that was free, expired, or left by a dead process increments the token;
 * every fenced write (a page's commit, an outbox claim, a confirmation) first checks, in its own
 * transaction, that its token is still the current one (see {@link fence}), so a holder that
 * stalled past its expiry and was replaced writes nothing.
 *
 * Plain kysely with compare-and-set updates, no engine-specific lock: the same rows work on SQLite
 * (several processes on one file) and on PostgreSQL (several daemons on several hosts). Times are
 * ISO 8601 UTC strings of one fixed format, so comparing them as text orders them as times.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, LeasePurpose, LeaseTable } from './schema.js';

/** Who asks for a lease. `owner` is unique per holder: `host:pid:random`. */
export interface LeaseHolder {
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  /** What the holder does with the sync: shown to whoever is kept out. */
  readonly purpose: LeasePurpose;
}

/** A lease held: what a fenced write presents. */
export interface Lease {
  readonly sync: string;
  readonly owner: string;
  readonly token: number;
  readonly expiresAt: string;
}

/** A sync's lease row as anyone may read it (`owner` null: free; the rest names the last holder). */
export interface LeaseInfo {
  readonly sync: string;
  readonly owner: string | null;
  readonly host: string;
  readonly pid: number;
  readonly purpose: LeasePurpose;
  readonly token: number;
  readonly acquiredAt: string;
  readonly heartbeatAt: string;
  readonly expiresAt: string;
}

export type AcquireResult =
  { readonly acquired: true; readonly lease: Lease } | { readonly acquired: false; readonly holder: LeaseInfo };

export interface AcquireRequest {
  readonly sync: string;
  readonly holder: LeaseHolder;
  readonly ttlMs: number;
  readonly now: Date;
  /** True when a live-looking holder is known to be gone (its process died on this host). */
  readonly holderGone?: (holder: LeaseInfo) => boolean;
}

const iso = (date: Date, plusMs = 0): string => new Date(date.getTime() + plusMs).toISOString();

/** Reads a sync's lease row; undefined when no one ever took it. */
export async function readLease(db: Kysely<Database>, sync: string): Promise<LeaseInfo | undefined> {
  const row = await db.selectFrom('leases').selectAll().where('sync', '=', sync).executeTakeFirst();
  return row === undefined ? undefined : toInfo(row);
}

export async function listLeases(db: Kysely<Database>): Promise<LeaseInfo[]> {
  const rows = await db.selectFrom('leases').selectAll().orderBy('sync').execute();
  return rows.map(toInfo);
}

/**
 * Takes the lease when it is free, expired, already ours, or its holder is gone; otherwise
 * reports who holds it. Run it inside a transaction: the read and the compare-and-set belong together.
 */
export async function acquireLease(db: Kysely<Database>, request: AcquireRequest): Promise<AcquireResult> {
  const { sync, holder, ttlMs, now } = request;
  const at = iso(now);
  const expiresAt = iso(now, ttlMs);
  await db
    .insertInto('leases')
    .values({
      sync,
      owner: null,
      host: holder.host,
      pid: holder.pid,
      purpose: holder.purpose,
      token: 0,
      acquired_at: at,
      heartbeat_at: at,
      expires_at: at,
    })
    .onConflict((oc) => oc.column('sync').doNothing())
    .execute();
  const current = await readLease(db, sync);
  if (current === undefined) throw new Error(`lease row of sync "${sync}" vanished`);
  if (current.owner === holder.owner) {
    await db
      .updateTable('leases')
      .set({ heartbeat_at: at, expires_at: expiresAt })
      .where('sync', '=', sync)
      .where('token', '=', current.token)
      .execute();
    return { acquired: true, lease: { sync, owner: holder.owner, token: current.token, expiresAt } };
  }
  const free = current.owner === null || current.expiresAt <= at || request.holderGone?.(current) === true;
  if (!free) return { acquired: false, holder: current };
  const token = current.token + 1;
  const taken = await db
    .updateTable('leases')
    .set({
      owner: holder.owner,
      host: holder.host,
      pid: holder.pid,
      purpose: holder.purpose,
      token,
      acquired_at: at,
      heartbeat_at: at,
      expires_at: expiresAt,
    })
    .where('sync', '=', sync)
    .where('token', '=', current.token)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1)
    return { acquired: true, lease: { sync, owner: holder.owner, token, expiresAt } };
  const winner = await readLease(db, sync);
  return { acquired: false, holder: winner ?? current };
}

/** Extends a held lease; undefined when it is no longer ours (taken over, or released). */
export async function renewLease(
  db: Kysely<Database>,
  lease: Lease,
  ttlMs: number,
  now: Date,
): Promise<Lease | undefined> {
  const expiresAt = iso(now, ttlMs);
  const result = await db
    .updateTable('leases')
    .set({ heartbeat_at: iso(now), expires_at: expiresAt })
    .where('sync', '=', lease.sync)
    .where('owner', '=', lease.owner)
    .where('token', '=', lease.token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { ...lease, expiresAt } : undefined;
}

/** Frees a held lease at once (a clean exit); the token stays, so the next holder's is higher. */
export async function releaseLease(db: Kysely<Database>, lease: Lease, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('leases')
    .set({ owner: null, heartbeat_at: iso(now), expires_at: iso(now) })
    .where('sync', '=', lease.sync)
    .where('owner', '=', lease.owner)
    .where('token', '=', lease.token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The fencing check, inside the transaction of the write it guards: true while `lease`'s token is
 * the current one. It is an update, not a read, so that on PostgreSQL it locks the row until the
 * write commits (a takeover waits for it); on SQLite the transaction holds the write lock already.
 * An expired lease no one took is still current: no other writer can have written.
 */
export async function fence(db: Kysely<Database>, lease: Lease, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('leases')
    .set({ heartbeat_at: iso(now) })
    .where('sync', '=', lease.sync)
    .where('owner', '=', lease.owner)
    .where('token', '=', lease.token)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function toInfo(row: Selectable<LeaseTable>): LeaseInfo {
  return {
    sync: row.sync,
    owner: row.owner,
    host: row.host,
    pid: row.pid,
    purpose: row.purpose,
    token: Number(row.token),
    acquiredAt: row.acquired_at,
    heartbeatAt: row.heartbeat_at,
    expiresAt: row.expires_at,
  };
}
