/**
 * Open conflicts, read only if the state store has a `conflicts` table (the bidirectional
 * reconciliation adds it). Until then every count is 0 and the list is empty: this reads with
 * raw SQL so it neither depends on nor migrates the pipeline's schema.
 */
import { sql } from 'kysely';
import type { StateStore } from '../../state/index.js';

async function hasConflictTable(store: StateStore): Promise<boolean> {
  const rows = await sql<{
    n: number;
  }>`select count(*) as n from sqlite_master where type = 'table' and name = 'conflicts'`.execute(store.db);
  return Number(rows.rows[0]?.n ?? 0) > 0;
}

/** Open conflicts by sync; empty when the table does not exist. */
export async function countOpenConflicts(store: StateStore): Promise<Map<string, number>> {
  if (!(await hasConflictTable(store))) return new Map();
  const rows = await sql<{
    sync: string;
    n: number;
  }>`select sync, count(*) as n from conflicts where status = 'open' group by sync`.execute(store.db);
  return new Map(rows.rows.map((r) => [r.sync, Number(r.n)]));
}

/** Open conflicts as stored, or `available: false` when the table does not exist. */
export async function listOpenConflicts(
  store: StateStore,
  sync: string | undefined,
): Promise<{ available: boolean; conflicts: Record<string, unknown>[] }> {
  if (!(await hasConflictTable(store))) return { available: false, conflicts: [] };
  const rows =
    sync === undefined
      ? await sql<Record<string, unknown>>`select * from conflicts where status = 'open' order by id`.execute(store.db)
      : await sql<
          Record<string, unknown>
        >`select * from conflicts where status = 'open' and sync = ${sync} order by id`.execute(store.db);
  return { available: true, conflicts: rows.rows };
}
