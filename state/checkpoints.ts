/** Checkpoint queries: the persisted cursor of one side of one sync. */
import type { Kysely } from 'kysely';
import type { Cursor } from '../connectors/types.js';
import type { Database, Side } from './schema.js';

export async function readCheckpoint(db: Kysely<Database>, sync: string, side: Side): Promise<Cursor | null> {
  const row = await db
    .selectFrom('checkpoints')
    .select('cursor')
    .where('sync', '=', sync)
    .where('side', '=', side)
    .executeTakeFirst();
  return row === undefined ? null : (JSON.parse(row.cursor) as Cursor);
}

export async function writeCheckpoint(
  db: Kysely<Database>,
  sync: string,
  side: Side,
  cursor: Cursor,
  now: string,
): Promise<void> {
  await db
    .insertInto('checkpoints')
    .values({ sync, side, cursor: JSON.stringify(cursor), updated_at: now })
    .onConflict((oc) => oc.columns(['sync', 'side']).doUpdateSet({ cursor: JSON.stringify(cursor), updated_at: now }))
    .execute();
}

/** A stored checkpoint, for `tandem status`. */
export interface CheckpointInfo {
  readonly sync: string;
  readonly side: Side;
  readonly cursor: Cursor;
  readonly updatedAt: string;
}

export async function listCheckpoints(db: Kysely<Database>): Promise<CheckpointInfo[]> {
  const rows = await db.selectFrom('checkpoints').selectAll().orderBy('sync').orderBy('side').execute();
  return rows.map((r) => ({
    sync: r.sync,
    side: r.side,
    cursor: JSON.parse(r.cursor) as Cursor,
    updatedAt: r.updated_at,
  }));
}
