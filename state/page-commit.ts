/** A page of a run: its operations, letters, matches, conflicts, links and checkpoint, written as one. */
import type { Kysely } from 'kysely';
import type { Cursor } from '../connectors/types.js';
import { writeCheckpoint } from './checkpoints.js';
import { openConflict, type NewConflict } from './conflicts.js';
import { addDeadLetter, recordAmbiguous, type AmbiguousMatch, type NewDeadLetter } from './dead-letters.js';
import { linksByCrmId, mergeInto, mergeLink, type LinkUpdate } from './links.js';
import { enqueueAll, type NewOperation } from './outbox.js';
import { recordChanges, type RecordChange } from './run-history.js';
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
  /** The run this page belongs to: its `changes` go into the run history (absent: not recorded). */
  readonly run?: number;
  /** The writes planned, record by record, with their fields before -> after. */
  readonly changes?: readonly RecordChange[];
}

/** Writes everything of `commit` inside the caller's transaction (the store's fenced, retried write). */
export async function writePage(trx: Kysely<Database>, commit: PageCommit, now: string): Promise<void> {
  await enqueueAll(trx, commit.operations, now);
  for (const letter of commit.deadLetters) await addDeadLetter(trx, letter, now);
  for (const match of commit.ambiguous) await recordAmbiguous(trx, match, now);
  for (const conflict of commit.conflicts ?? []) await openConflict(trx, conflict, now);
  await mergeLinks(trx, commit.sync, commit.links ?? [], now);
  for (const gone of commit.unparked ?? []) await unpark(trx, commit.sync, gone.side, gone.id);
  for (const waiting of commit.parked ?? []) await park(trx, waiting, now);
  if (commit.run !== undefined && commit.changes !== undefined && commit.changes.length > 0)
    await recordChanges(trx, commit.sync, commit.run, commit.changes, now);
  if (commit.cursor !== null) await writeCheckpoint(trx, commit.sync, commit.side, commit.cursor, now);
}

/** Merges a page's link updates, reading the links of `sync` in one query rather than one per link. */
async function mergeLinks(
  trx: Kysely<Database>,
  sync: string,
  links: readonly LinkUpdate[],
  now: string,
): Promise<void> {
  if (links.length === 0) return;
  const known = await linksByCrmId(
    trx,
    sync,
    links.flatMap((l) => (l.sync === sync ? [l.crmId] : [])),
  );
  for (const link of links) {
    if (link.sync !== sync) await mergeLink(trx, link, now);
    else known.set(link.crmId, await mergeInto(trx, known.get(link.crmId), link, now));
  }
}
