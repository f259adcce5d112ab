import { connectStore, openStore } from './open.js';
import type { StateStore as Store } from './state-store.js';

/** The state store's interface (state/state-store.ts). */
export type StateStore = Store;
/**
 * Opening the store: `StateStore.open(file)` (SQLite, the default) and `StateStore.connect(location)`
 * (either engine; see state/open.ts).
 */
export const StateStore = { open: openStore, connect: connectStore } as const;
export { migrateStore, type StoreLocation } from './open.js';
export type { PostgresSettings } from './postgres-engine.js';
export { postgresUrlProblem } from './postgres-url.js';
export type { EngineKind } from './engine.js';
export type { PageCommit } from './page-commit.js';
export type { ChangeAction, FieldChange, HistoryLimits, RecordChange, RunChange, RunFilter } from './run-history.js';
export type { Confirmation } from './confirm.js';
export type { CheckpointInfo } from './checkpoints.js';
export type { LinkPage } from './links.js';
export type { NewReport } from './reports.js';
export type { ReportRow } from './schema.js';
export type { NewOperation, OutboxCounts } from './outbox.js';
export type { NewDeadLetter, AmbiguousMatch } from './dead-letters.js';
export type { ManualLink } from './ambiguous-link.js';
export type { Side, LinkRow, OutboxRow, RunRow, RunStatus, DeadLetterRow } from './schema.js';
export type { BreakerRecord } from './breakers.js';
export type { NewConflict } from './conflicts.js';
export type { WaitingRecord } from './waiting.js';
export type { LinkUpdate } from './links.js';
export { markersOf, type LinkMarkers, type MarkerUpdate } from './link-markers.js';
export type { ConflictRow } from './schema.js';
export type { Backfill, BackfillSide, BackfillStart } from './backfills.js';
export type { BackfillState } from './schema.js';
export type { StoreOptions } from './sqlite-engine.js';
export type { Lease, LeaseHolder, LeaseInfo, AcquireResult } from './leases.js';
export type { LeasePurpose } from './schema.js';
export type { BusyRetry } from './busy.js';
export {
  LeaseHeldError,
  LeaseLostError,
  LinkConflictError,
  StoreBusyError,
  StoreSchemaError,
  isLeaseHeld,
  isLeaseLost,
  isLinkConflict,
} from './errors.js';
export { chunks } from './links.js';
