/** A page of a run: its operations, letters, matches, conflicts, links and checkpoint, written as one. */
import type { Kysely } from 'kysely';
import type { Cursor } from '../connectors/types.js';
import { writeCheckpoint } from './checkpoints.js';
import { openConflict, type NewConflict } from './conflicts.js';
import { addDeadLetter, recordAmbiguous, type AmbiguousMatch, type NewDeadLetter } from './dead-letters.js';
import { mergeLink, type LinkUpdate } from './links.js';
import { enqueue, type NewOperation } from './outbox.js';
import type { Database, Side } from './schema.js';
import { park, unpark, type WaitingRecord } from './waiting.js';

/** Everything one page of a run leaves behind, committed together. */
export interface PageCommit {
  readonly sync: string;
  readonly side: Side;
  /** The cursor after this page; `null` leaves the checkpoint where it is (a backfill). */
  readonly cursor: Cursor | null;
  readonly operations: readonly NewOperation[];
  readonly deadLetters: readonly NewDeadLetter[];
  readonly ambiguous: readonly AmbiguousMatch[];
  readonly conflicts?: readonly NewConflict[];
  /** Records that wait for a referenced record to be linked. */
  readonly parked?: readonly WaitingRecord[];
  /** Records taken out of the waiting room (processed now). */
  readonly unparked?: readonly { readonly side: Side; readonly id: string }[];
  /** Links to create or update without a write (settled fields, versions seen). */
  readonly links?: readonly LinkUpdate[];
}

/** Writes everything of `commit` inside the caller's transaction (the store's fenced, retried write). */
export async function writePage(trx: Kysely<Database>, commit: PageCommit, now: string): Promise<void> {
  for (const op of commit.operations) await enqueue(trx, op, now);
  for (const letter of commit.deadLetters) await addDeadLetter(trx, letter, now);
  for (const match of commit.ambiguous) await recordAmbiguous(trx, match, now);
  for (const conflict of commit.conflicts ?? []) await openConflict(trx, conflict, now);
  for (const link of commit.links ?? []) await mergeLink(trx, link, now);
  for (const gone of commit.unparked ?? []) await unpark(trx, commit.sync, gone.side, gone.id);
  for (const waiting of commit.parked ?? []) await park(trx, waiting, now);
  if (commit.cursor !== null) await writeCheckpoint(trx, commit.sync, commit.side, commit.cursor, now);
}
