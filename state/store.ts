/**
 * The state store ({@link StateStore}) on kysely: one class over either engine (state/engine.ts).
 * Operations that must be atomic (a page's operations with its checkpoint; a confirmed write with
 * its link) are single methods that run in one transaction.
 */
import type { Kysely } from 'kysely';
import type { Cursor, WriteFailure } from '../connectors/types.js';
import { linkAmbiguous, type ManualLink } from './ambiguous-link.js';
import { BackfillStore } from './backfill-store.js';
import { confirmWrites, type Confirmation } from './confirm.js';
import type { StoreEngine } from './engine.js';
import { fencedWrite } from './fenced-write.js';
import { LeaseStore } from './lease-store.js';
import type { Lease } from './leases.js';
import { listBreakers, loadBreaker, saveBreaker, type BreakerRecord } from './breakers.js';
import { readCheckpoint, listCheckpoints, type CheckpointInfo } from './checkpoints.js';
import {
  dropDeadLetter as dropDeadLetterRow,
  getDeadLetter,
  requeueDeadLetter,
  countDeadLetters,
  listAmbiguous,
  listDeadLetters,
  type AmbiguousMatch,
} from './dead-letters.js';
import { countLinks, linkedErpIds, linksAfter, linksBySide, linksByCrmId, type LinkPage } from './links.js';
import { closeConflict, countOpenConflicts, getConflict, listConflicts, openConflictFields } from './conflicts.js';
import { countWaiting, parked, type WaitingRecord } from './waiting.js';
import { dropLink, moveLink } from './merges.js';
import { writePage, type PageCommit } from './page-commit.js';
import { outboxCounts, pending, recordFailure, statusesOf, supersede, type OutboxCounts } from './outbox.js';
import { addReport, lastReport, listReports, markRepaired, type NewReport } from './reports.js';
import { closeAbandonedRuns, finishRun, lastRun, startRun } from './runs.js';
import {
  getRun,
  listChanges,
  listRuns,
  pruneHistory,
  type HistoryLimits,
  type RunChange,
  type RunFilter,
} from './run-history.js';
import { sql } from 'kysely';
import type { StateStore } from './state-store.js';
import { rememberWebhook } from './webhook-replay.js';
import type {
  ConflictRow,
  Database,
  DeadLetterRow,
  LinkRow,
  OutboxRow,
  OutboxStatus,
  ReportRow,
  RunRow,
  RunStatus,
  Side,
} from './schema.js';

export type { Confirmation, PageCommit };

export class KyselyStateStore implements StateStore {
  /** Backfills' own progress (resume after Ctrl-C or a crash): state/backfills.ts. */
  readonly backfills: BackfillStore;
  /** One writer per sync: state/leases.ts. */
  readonly leases: LeaseStore;

  /** The engine's database: for state/ and tests; the rest of Tandem uses the methods. */
  readonly db: Kysely<Database>;

  private constructor(
    private readonly engine: StoreEngine,
    private readonly now: () => string,
    /** Set on a view from {@link withLease}: every fenced write checks this lease's token first. */
    readonly lease?: Lease,
  ) {
    this.db = engine.db;
    this.backfills = new BackfillStore(engine.db, now, (work) => this.write(lease?.sync, work));
    this.leases = new LeaseStore(engine, now);
  }

  /** The store over an opened engine; marks runs and backfills a crash left open as interrupted. */
  static async over(
    engine: StoreEngine,
    now: () => string = () => new Date().toISOString(),
  ): Promise<KyselyStateStore> {
    const store = new KyselyStateStore(engine, now);
    await closeAbandonedRuns(engine.db, now());
    await store.backfills.closeAbandoned();
    return store;
  }

  get kind(): StoreEngine['kind'] {
    return this.engine.kind;
  }

  get location(): string {
    return this.engine.location;
  }

  /** The SQLite file (the location); kept for callers from before the engines. */
  get file(): string {
    return this.engine.location;
  }

  /**
   * The same store (one connection) whose writes for `lease.sync` are fenced: each checks, in its
   * own transaction, that the lease's token is still current, and throws `LeaseLostError` (writing
   * nothing) when another process took the sync over. Close the store it came from, not the view.
   */
  withLease(lease: Lease): StateStore {
    return new KyselyStateStore(this.engine, this.now, lease);
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  /** Answers when the database does (`/readyz`); throws the driver's error when it does not. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** One write transaction for `sync`, retried while the database is locked; fenced on a lease view. */
  private write<T>(sync: string | undefined, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return fencedWrite({ engine: this.engine, lease: this.lease, now: this.now }, sync, work);
  }

  checkpoint(sync: string, side: Side): Promise<Cursor | null> {
    return readCheckpoint(this.db, sync, side);
  }

  checkpoints(): Promise<CheckpointInfo[]> {
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

  /** Links of `sync` after CRM id `after` in id order, `limit` at a time: for scans over every link. */
  linksAfter(sync: string, after: string, limit: number): Promise<LinkPage[]> {
    return linksAfter(this.db, sync, after, limit);
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

  linkAmbiguousMatch(link: ManualLink): Promise<boolean> {
    return this.write(link.sync, (trx) => linkAmbiguous(trx, link, this.now()));
  }

  // Run history is not fenced: a run stopped by a lost lease still records why it stopped.
  startRun(sync: string, kind: string): Promise<number> {
    return this.engine.retry(() => startRun(this.db, sync, kind, this.now()));
  }

  finishRun(id: number, status: RunStatus, stats: unknown, error: string | null): Promise<void> {
    return this.engine.retry(() => finishRun(this.db, id, status, stats, error, this.now()));
  }

  runs(filter?: RunFilter): Promise<RunRow[]> {
    return listRuns(this.db, filter);
  }

  run(id: number): Promise<RunRow | undefined> {
    return getRun(this.db, id);
  }

  runChanges(id: number, recordId?: string): Promise<RunChange[]> {
    return listChanges(this.db, id, recordId);
  }

  pruneHistory(limits: HistoryLimits, nowMs = Date.now()): Promise<{ runs: number; changes: number }> {
    return this.engine.retry(() => pruneHistory(this.db, limits, nowMs));
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

  /** Records a drift report's summary and files; its id. */
  addReport(report: NewReport): Promise<number> {
    return addReport(this.db, report);
  }

  /** The report's repairs were enqueued. */
  markReportRepaired(id: number): Promise<void> {
    return markRepaired(this.db, id);
  }

  /** Reports, newest first; `sync` narrows to one sync. */
  reports(sync?: string, limit = 50): Promise<ReportRow[]> {
    return listReports(this.db, sync, limit);
  }

  lastReport(sync: string): Promise<ReportRow | undefined> {
    return lastReport(this.db, sync);
  }
}
