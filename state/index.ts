export { StateStore, type Confirmation, type PageCommit } from './store.js';
export type { NewOperation, OutboxCounts } from './outbox.js';
export type { NewDeadLetter, AmbiguousMatch } from './dead-letters.js';
export type { Side, LinkRow, OutboxRow, RunRow, RunStatus, DeadLetterRow } from './schema.js';
export type { BreakerRecord } from './breakers.js';
export type { NewConflict } from './conflicts.js';
export type { WaitingRecord } from './waiting.js';
export type { LinkUpdate } from './links.js';
export { markersOf, type LinkMarkers, type MarkerUpdate } from './link-markers.js';
export type { ConflictRow } from './schema.js';
export type { Backfill, BackfillSide, BackfillStart } from './backfills.js';
export type { BackfillState } from './schema.js';
export type { StoreOptions } from './open.js';
export type { Lease, LeaseHolder, LeaseInfo, AcquireResult } from './leases.js';
export type { LeasePurpose } from './schema.js';
export type { BusyRetry } from './busy.js';
export {
  LeaseHeldError,
  LeaseLostError,
  LinkConflictError,
  StoreBusyError,
  isLeaseHeld,
  isLeaseLost,
  isLinkConflict,
} from './errors.js';
