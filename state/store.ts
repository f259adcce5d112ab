/**
 * The state store: the one object the pipeline uses for checkpoints, links, the outbox, runs
 * and dead letters. Operations that must be atomic (a page's operations with its checkpoint; a
 * confirmed write with its link) are single methods that run in one SQLite transaction.
 */
import type { Kysely } from 'kysely';
import type { Cursor, WriteFailure } from '../connectors/types.js';
import { BackfillStore } from './backfill-store.js';
import { withBusyRetry, type BusyRetry } from './busy.js';
import { confirmWrites, type Confirmation } from './confirm.js';
import { fencedWrite } from './fenced-write.js';
import { LeaseStore } from './lease-store.js';
import type { Lease } from './leases.js';
import { listBreakers, loadBreaker, saveBreaker, type BreakerRecord } from './breakers.js';
import { readCheckpoint, listCheckpoints } from './checkpoints.js';
import {
  dropDeadLetter as dropDeadLetterRow,
  getDeadLetter,
  requeueDeadLetter,
  countDeadLetters,
  listAmbiguous,
  listDeadLetters,
  type AmbiguousMatch,
} from './dead-letters.js';
import { countLinks, linkedErpIds, linksByCrmId, linksBySide } from './links.js';
import { closeConflict, countOpenConflicts, getConflict, listConflicts, openConflictFields } from './conflicts.js';
import { countWaiting, parked, type WaitingRecord } from './waiting.js';
import { dropLink, moveLink } from './merges.js';
import { openDatabase, type StoreOptions } from './open.js';
import { writePage, type PageCommit } from './page-commit.js';
import { outboxCounts, pending, recordFailure, statusesOf, supersede, type OutboxCounts } from './outbox.js';
import { closeAbandonedRuns, finishRun, lastRun, startRun } from './runs.js';
import { rememberWebhook } from './webhook-replay.js';
import type {
  ConflictRow,
  Database,
  DeadLetterRow,
  LinkRow,
  OutboxRow,
  OutboxStatus,
  RunRow,
  RunStatus,
  Side,
} from './schema.js';

export type { Confirmation, PageCommit };

export class StateStore {
  /** Backfills' own progress (resume after Ctrl-C or a crash): state/backfills.ts. */
  readonly backfills: BackfillStore;
  /** One writer per sync: state/leases.ts. */
  readonly leases: LeaseStore;

  private constructor(
    readonly db: Kysely<Database>,
    readonly file: string,
    private readonly now: () => string,
    private readonly retry: BusyRetry,
    /** Set on a view from {@link withLease}: every fenced write checks this lease's token first. */
    readonly lease?: Lease,
  ) {
    this.backfills = new BackfillStore(db, now, (work) => this.write(lease?.sync, work));
    this.leases = new LeaseStore(db, file, now, retry);
  }

  /** Opens (creating, 0600, migrating) the store; marks runs a crash left open as interrupted. */
  static async open(
    file: string,
    now: () => string = () => new Date().toISOString(),
    options: StoreOptions = {},
  ): Promise<StateStore> {
    const { db } = await openDatabase(file, options);
    const store = new StateStore(db, file, now, options.busyRetry ?? {});
    await closeAbandonedRuns(db, now());
    await store.backfills.closeAbandoned();
    return store;
  }

  /**
   * The same store (one connection) whose writes for `lease.sync` are fenced: each checks, in its
   * own transaction, that the lease's token is still current, and throws `LeaseLostError` (writing
   * nothing) when another process took the sync over. Close the store it came from, not the view.
   */
  withLease(lease: Lease): StateStore {
    return new StateStore(this.db, this.file, this.now, this.retry, lease);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  /** One write transaction for `sync`, retried while the database is locked; fenced on a lease view. */
  private write<T>(sync: string | undefined, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return fencedWrite(
      { db: this.db, file: this.file, retry: this.retry, lease: this.lease, now: this.now },
      sync,
      work,
    );
  }

  checkpoint(sync: string, side: Side): Promise<Cursor | null> {
    return readCheckpoint(this.db, sync, side);
  }

  checkpoints() {
    return listCheckpoints(this.db);
  }

  /** Writes a page's operations, dead letters and ambiguous matches, and moves the checkpoint, atomically. */
  async commitPage(commit: PageCommit): Promise<void> {
    const now = this.now();
    await this.write(commit.sync, (trx) => writePage(trx, commit, now));
  }

  /** The next pending operations to deliver: a claim, so a fenced view checks its lease first. */
  pendingOperations(sync: string, side: Side, limit: number, afterId = 0): Promise<OutboxRow[]> {
    if (this.lease === undefined) return pending(this.db, sync, side, limit, afterId);
    return this.write(sync, (trx) => pending(trx, sync, side, limit, afterId));
  }

  /**
   * A confirmed write of either side: the link (created if new) takes the operation's canonical
   * values into its base snapshot, and the operation is done, in one transaction. `LinkConflictError`
   * when a record is linked to another one already (a person decides); other failures leave it pending.
   */
  confirmOperation(row: OutboxRow, targetId: string): Promise<void> {
    return this.confirmOperations([{ row, targetId }]);
  }

  /**
   * {@link confirmOperation} for a delivered batch of one sync, all in one transaction: every
   * operation is done with its link, or (a `LinkConflictError`, any failure) none is.
   */
  async confirmOperations(confirmations: readonly Confirmation[]): Promise<void> {
    const first = confirmations[0];
    if (first === undefined) return;
    const now = this.now();
    await this.write(first.row.sync, (trx) => confirmWrites(trx, confirmations, now));
  }

  linksBySide(sync: string, side: Side, ids: readonly string[]): Promise<Map<string, LinkRow>> {
    return linksBySide(this.db, sync, side, ids);
  }

  openConflictFields(sync: string, crmIds: readonly string[]): Promise<Map<string, Set<string>>> {
    return openConflictFields(this.db, sync, crmIds);
  }

  conflicts(sync?: string, status: 'open' | 'resolved' | 'all' = 'open'): Promise<ConflictRow[]> {
    return listConflicts(this.db, sync, status);
  }

  conflict(id: number): Promise<ConflictRow | undefined> {
    return getConflict(this.db, id);
  }

  closeConflict(id: number, resolution: unknown): Promise<void> {
    return closeConflict(this.db, id, resolution, this.now());
  }

  countOpenConflicts(sync: string): Promise<number> {
    return countOpenConflicts(this.db, sync);
  }

  parked(sync: string, side: Side): Promise<WaitingRecord[]> {
    return parked(this.db, sync, side);
  }

  countWaiting(sync: string): Promise<number> {
    return countWaiting(this.db, sync);
  }

  /** Supersedes a pending operation that was planned again (its target changed since). */
  supersedeOperation(id: number): Promise<void> {
    return this.write(undefined, (trx) => supersede(trx, id, this.now()));
  }

  /** Counts a failed attempt; true when the operation went to the dead letters. */
  recordFailure(row: OutboxRow, failure: WriteFailure, maxAttempts: number): Promise<boolean> {
    return this.write(row.sync, (trx) => recordFailure(trx, row, failure, maxAttempts, this.now()));
  }

  links(sync: string, crmIds: readonly string[]): Promise<Map<string, LinkRow>> {
    return linksByCrmId(this.db, sync, crmIds);
  }

  linkedErpIds(sync: string, erpIds: readonly string[]): Promise<Map<string, string>> {
    return linkedErpIds(this.db, sync, erpIds);
  }

  countLinks(sync: string): Promise<number> {
    return countLinks(this.db, sync);
  }

  outboxCounts(sync: string): Promise<OutboxCounts> {
    return outboxCounts(this.db, sync);
  }

  deadLetters(sync?: string): Promise<DeadLetterRow[]> {
    return listDeadLetters(this.db, sync);
  }

  deadLetter(id: number): Promise<DeadLetterRow | undefined> {
    return getDeadLetter(this.db, id);
  }

  /** Puts a dead operation back in the outbox, same idempotency key; false for a mapping letter. */
  retryDeadLetter(letter: DeadLetterRow): Promise<boolean> {
    return requeueDeadLetter(this.db, letter, this.now());
  }

  dropDeadLetter(id: number): Promise<boolean> {
    return dropDeadLetterRow(this.db, id, this.now());
  }

  /** Where each of these idempotency keys stands in the outbox. */
  outboxStatuses(keys: readonly string[]): Promise<Map<string, OutboxStatus>> {
    return statusesOf(this.db, keys);
  }

  /** A merge on `side`: the link of `fromId` (and pending writes aimed at it) moves to `toId`. */
  moveLink(sync: string, side: Side, fromId: string, toId: string): Promise<void> {
    return moveLink(this.db, sync, side, fromId, toId, this.now());
  }

  dropLink(sync: string, crmId: string): Promise<void> {
    return dropLink(this.db, sync, crmId);
  }

  countDeadLetters(sync: string): Promise<number> {
    return countDeadLetters(this.db, sync);
  }

  ambiguousMatches(sync: string): Promise<AmbiguousMatch[]> {
    return listAmbiguous(this.db, sync);
  }

  // Run history is not fenced: a run stopped by a lost lease still records why it stopped.
  startRun(sync: string, kind: string): Promise<number> {
    return withBusyRetry(this.file, () => startRun(this.db, sync, kind, this.now()), this.retry);
  }

  finishRun(id: number, status: RunStatus, stats: unknown, error: string | null): Promise<void> {
    return withBusyRetry(this.file, () => finishRun(this.db, id, status, stats, error, this.now()), this.retry);
  }

  loadBreaker(connector: string): Promise<BreakerRecord | undefined> {
    return loadBreaker(this.db, connector);
  }

  saveBreaker(connector: string, circuit: string, state: unknown): Promise<void> {
    return saveBreaker(this.db, connector, circuit, state, this.now());
  }

  breakers(): Promise<BreakerRecord[]> {
    return listBreakers(this.db);
  }

  lastRun(sync: string, status?: RunStatus): Promise<RunRow | undefined> {
    return lastRun(this.db, sync, status);
  }

  /**
   * A verified webhook's signature, kept until `expiresAtMs` (epoch ms); false when it is already
   * kept, i.e. the request is a replay. Prunes expired signatures. See state/webhook-replay.ts.
   */
  rememberWebhook(connector: string, signature: string, expiresAtMs: number, nowMs = Date.now()): Promise<boolean> {
    return rememberWebhook(this.db, connector, signature, expiresAtMs, nowMs);
  }
}
