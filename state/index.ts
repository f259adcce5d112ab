export { StateStore, type PageCommit } from './store.js';
export type { NewOperation, OutboxCounts } from './outbox.js';
export type { NewDeadLetter, AmbiguousMatch } from './dead-letters.js';
export type { LinkValues } from './links.js';
export type { Side, LinkRow, OutboxRow, RunRow, RunStatus, DeadLetterRow } from './schema.js';
export type { BreakerRecord } from './breakers.js';
