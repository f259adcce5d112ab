/**
 * The state store as the rest of Tandem sees it: checkpoints, links, the outbox, conflicts, dead
 * letters, runs, backfills, leases, breakers, reports. Nothing outside state/ writes SQL (an eslint
 * rule keeps kysely and the drivers inside state/); the one implementation, state/store.ts, runs the
 * same queries on SQLite or PostgreSQL (state/engine.ts), and test/contract/store-contract.ts holds
 * every engine to the same behaviour.
 *
 * Atomic operations are single methods: `commitPage` writes a page's operations, letters, matches,
 * conflicts, links and checkpoint in one transaction; `confirmOperations` the links and the done
 * operations of a delivered batch in one. On a view from `withLease`, every write is fenced by the lease's token.
 */
import type { Cursor, WriteFailure } from '../connectors/types.js';
import type { BackfillStore } from './backfill-store.js';
import type { BreakerRecord } from './breakers.js';
import type { CheckpointInfo } from './checkpoints.js';
import type { Confirmation } from './confirm.js';
import type { ManualLink } from './ambiguous-link.js';
import type { AmbiguousMatch } from './dead-letters.js';
import type { EngineKind } from './engine.js';
import type { LeaseStore } from './lease-store.js';
import type { Lease } from './leases.js';
import type { LinkPage } from './links.js';
import type { OutboxCounts } from './outbox.js';
import type { PageCommit } from './page-commit.js';
import type { NewReport } from './reports.js';
import type { HistoryLimits, RunChange, RunFilter } from './run-history.js';
import type {
  ConflictRow,
  DeadLetterRow,
  LinkRow,
  OutboxRow,
  OutboxStatus,
  ReportRow,
  RunRow,
  RunStatus,
  Side,
} from './schema.js';
import type { WaitingRecord } from './waiting.js';

export interface StateStore {
  /** Backfills' own progress (resume after Ctrl-C or a crash): state/backfills.ts. */
  readonly backfills: BackfillStore;
  /** One writer per sync: state/leases.ts. */
  readonly leases: LeaseStore;
  /** Set on a view from {@link withLease}. */
  readonly lease?: Lease;
  readonly kind: EngineKind;
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;

  /**
   * The same store (one pool) whose writes for `lease.sync` are fenced: each checks, in its own
   * transaction, that the lease's token is still current, and throws `LeaseLostError` (writing
   * nothing) when another process took the sync over. Close the store it came from, not the view.
   */
  withLease(lease: Lease): StateStore;
  close(): Promise<void>;
  /** Resolves when the database answers (`/readyz`). */
  ping(): Promise<void>;

  // Checkpoints and a page's commit.
  checkpoint(sync: string, side: Side): Promise<Cursor | null>;
  checkpoints(): Promise<CheckpointInfo[]>;
  /** A page's operations, dead letters, ambiguous matches, conflicts, links and checkpoint, atomically. */
  commitPage(commit: PageCommit): Promise<void>;

  // The outbox.
  /** The next pending operations to deliver, oldest first, after id `afterId`. */
  pendingOperations(sync: string, side: Side, limit: number, afterId?: number): Promise<OutboxRow[]>;
  /** The link (created if new) takes the operation's values, and the operation is done, atomically; `LinkConflictError` when a record is linked elsewhere. */
  confirmOperation(row: OutboxRow, targetId: string): Promise<void>;
  /** {@link confirmOperation} for a delivered batch of one sync, in one transaction: all or none. */
  confirmOperations(confirmations: readonly Confirmation[]): Promise<void>;
  supersedeOperation(id: number): Promise<void>;
  /** Counts a failed attempt; true when the operation went to the dead letters. */
  recordFailure(row: OutboxRow, failure: WriteFailure, maxAttempts: number): Promise<boolean>;
  outboxCounts(sync: string): Promise<OutboxCounts>;
  outboxStatuses(keys: readonly string[]): Promise<Map<string, OutboxStatus>>;

  // Links.
  links(sync: string, crmIds: readonly string[]): Promise<Map<string, LinkRow>>;
  linksBySide(sync: string, side: Side, ids: readonly string[]): Promise<Map<string, LinkRow>>;
  linkedErpIds(sync: string, erpIds: readonly string[]): Promise<Map<string, string>>;
  linksAfter(sync: string, after: string, limit: number): Promise<LinkPage[]>;
  countLinks(sync: string): Promise<number>;
  moveLink(sync: string, side: Side, fromId: string, toId: string): Promise<void>;
  dropLink(sync: string, crmId: string): Promise<void>;

  // Conflicts and the waiting room.
  openConflictFields(sync: string, crmIds: readonly string[]): Promise<Map<string, Set<string>>>;
  conflicts(sync?: string, status?: 'open' | 'resolved' | 'all'): Promise<ConflictRow[]>;
  conflict(id: number): Promise<ConflictRow | undefined>;
  closeConflict(id: number, resolution: unknown): Promise<void>;
  countOpenConflicts(sync: string): Promise<number>;
  parked(sync: string, side: Side): Promise<WaitingRecord[]>;
  countWaiting(sync: string): Promise<number>;

  // Dead letters and ambiguous matches.
  deadLetters(sync?: string): Promise<DeadLetterRow[]>;
  deadLetter(id: number): Promise<DeadLetterRow | undefined>;
  /** Puts a dead operation back in the outbox, same idempotency key; false for a mapping letter. */
  retryDeadLetter(letter: DeadLetterRow): Promise<boolean>;
  dropDeadLetter(id: number): Promise<boolean>;
  countDeadLetters(sync: string): Promise<number>;
  ambiguousMatches(sync: string): Promise<AmbiguousMatch[]>;
  /**
   * A person's choice for an ambiguous match: the record is linked to the candidate (empty base, as a
   * first contact), parked so the next run plans the pair, and the match removed, atomically. False
   * when there is no such ambiguous match; `LinkConflictError` when either record is linked already.
   */
  linkAmbiguousMatch(link: ManualLink): Promise<boolean>;

  // Runs, breakers, webhooks, reports.
  startRun(sync: string, kind: string): Promise<number>;
  finishRun(id: number, status: RunStatus, stats: unknown, error: string | null): Promise<void>;
  lastRun(sync: string, status?: RunStatus): Promise<RunRow | undefined>;
  /** Runs, newest first (state/run-history.ts). */
  runs(filter?: RunFilter): Promise<RunRow[]>;
  run(id: number): Promise<RunRow | undefined>;
  /** What run `id` changed, in commit order; `recordId` narrows to one record (either side's id). */
  runChanges(id: number, recordId?: string): Promise<RunChange[]>;
  /** Deletes runs older than `keepDays` with their changes, then changes past `maxChanges`; what it deleted. */
  pruneHistory(limits: HistoryLimits, nowMs?: number): Promise<{ runs: number; changes: number }>;
  loadBreaker(connector: string): Promise<BreakerRecord | undefined>;
  saveBreaker(connector: string, circuit: string, state: unknown): Promise<void>;
  breakers(): Promise<BreakerRecord[]>;
  /** False when the signature is kept already (a replay). */
  rememberWebhook(connector: string, signature: string, expiresAtMs: number, nowMs?: number): Promise<boolean>;
  addReport(report: NewReport): Promise<number>;
  markReportRepaired(id: number): Promise<void>;
  reports(sync?: string, limit?: number): Promise<ReportRow[]>;
  lastReport(sync: string): Promise<ReportRow | undefined>;
}
