/** Run history: one row per run of one sync. */
import type { Kysely } from 'kysely';
import type { Database, RunRow, RunStatus } from './schema.js';

export async function startRun(db: Kysely<Database>, sync: string, kind: string, now: string): Promise<number> {
  const row = await db
    .insertInto('runs')
    .values({ sync, kind, status: 'running', started_at: now, finished_at: null, stats: null, error: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  db: Kysely<Database>,
  id: number,
  status: RunStatus,
  stats: unknown,
  error: string | null,
  now: string,
): Promise<void> {
  await db
    .updateTable('runs')
    .set({ status, finished_at: now, stats: JSON.stringify(stats), error })
    .where('id', '=', id)
    .execute();
}

/** A run left `running` by a crash is marked interrupted when the store opens again. */
export async function closeAbandonedRuns(db: Kysely<Database>, now: string): Promise<number> {
  const result = await db
    .updateTable('runs')
    .set({ status: 'interrupted', finished_at: now, error: 'the process stopped during this run' })
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function lastRun(db: Kysely<Database>, sync: string, status?: RunStatus): Promise<RunRow | undefined> {
  let query = db.selectFrom('runs').selectAll().where('sync', '=', sync);
  if (status !== undefined) query = query.where('status', '=', status);
  return query.orderBy('id', 'desc').limit(1).executeTakeFirst();
}
