/** Run history: one row per run of one sync. */
import type { Kysely } from 'kysely';
import type { Database, RunRow, RunStatus } from './schema.js';

export async function startRun(db: Kysely<Database>, sync: string, kind: string, now: string): Promise<number> {
  const row = await db
    .insertInto('runs')
    .values({
      sync,
      kind,
      status: 'running',
      started_at: now,
      finished_at: null,
      stats: null,
      error: null,
      pid: process.pid,
    })
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

/**
 * Whether the process that owns a `running` row is gone: no pid (an old row), or no such process.
 * Our own pid counts as gone: this process has only just opened the store, so a row with its pid
 * is from an earlier life of the same pid (a container's pid 1 restarted).
 */
export function ownerGone(pid: number | null): boolean {
  if (pid === null || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A run left `running` by a crash is marked interrupted when the store opens again; one whose
 * process is still alive (the daemon, while `tandem status` opens the store) is left alone.
 */
export async function closeAbandonedRuns(db: Kysely<Database>, now: string): Promise<number> {
  const running = await db.selectFrom('runs').select(['id', 'pid']).where('status', '=', 'running').execute();
  const gone = running.filter((r) => ownerGone(r.pid)).map((r) => r.id);
  if (gone.length === 0) return 0;
  const result = await db
    .updateTable('runs')
    .set({ status: 'interrupted', finished_at: now, error: 'the process stopped during this run' })
    .where('id', 'in', gone)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function lastRun(db: Kysely<Database>, sync: string, status?: RunStatus): Promise<RunRow | undefined> {
  let query = db.selectFrom('runs').selectAll().where('sync', '=', sync);
  if (status !== undefined) query = query.where('status', '=', status);
  return query.orderBy('id', 'desc').limit(1).executeTakeFirst();
}
