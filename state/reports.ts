/** Drift report summaries: one row per report, for `tandem reports list` and "the change since". */
import type { Kysely } from 'kysely';
import type { Database, ReportRow } from './schema.js';

export interface NewReport {
  readonly sync: string;
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly summary: unknown;
  readonly files: Readonly<Record<string, string>>;
  readonly repaired: boolean;
}

export async function addReport(db: Kysely<Database>, report: NewReport): Promise<number> {
  const row = await db
    .insertInto('reports')
    .values({
      sync: report.sync,
      generated_at: report.generatedAt,
      duration_ms: report.durationMs,
      summary: JSON.stringify(report.summary),
      files: JSON.stringify(report.files),
      repaired: report.repaired ? 1 : 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function markRepaired(db: Kysely<Database>, id: number): Promise<void> {
  await db.updateTable('reports').set({ repaired: 1 }).where('id', '=', id).execute();
}

/** Newest first; `sync` narrows to one sync. */
export async function listReports(db: Kysely<Database>, sync?: string, limit = 50): Promise<ReportRow[]> {
  let query = db.selectFrom('reports').selectAll();
  if (sync !== undefined) query = query.where('sync', '=', sync);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

export async function lastReport(db: Kysely<Database>, sync: string): Promise<ReportRow | undefined> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('sync', '=', sync)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
