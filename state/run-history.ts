/**
 * What each run changed, record by record: one row per planned write (create, update, archive,
 * restore) with its fields before -> after, written in the transaction that commits the page
 * (state/page-commit.ts), so the history holds exactly what went into the outbox. Whether the
 * write was delivered is the outbox's answer (joined by idempotency key when listed). Pruned by
 * age and size ({@link pruneHistory}).
 */
import type { Kysely } from 'kysely';
import type { Database, RunRow, Side } from './schema.js';

export type ChangeAction = 'create' | 'update' | 'archive' | 'restore';

/** One field a write changes: the target's canonical value before, and after. */
export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** One record a run changes (planned at commit). */
export interface RecordChange {
  /** The side written to. */
  readonly side: Side;
  readonly action: ChangeAction;
  /** The record written; null for a create (its id is the outbox's once delivered). */
  readonly targetId: string | null;
  /** The record on the other side the write comes from. */
  readonly sourceId: string;
  /** The operation's idempotency key (its delivery status is the outbox row's). */
  readonly key?: string;
  readonly fields: readonly FieldChange[];
}

/** A change as listed: where its write stands, and the id a create received. */
export interface RunChange {
  readonly id: number;
  readonly runId: number;
  readonly sync: string;
  readonly side: Side;
  readonly action: ChangeAction;
  /** The record written (for a delivered create, the id the vendor gave it); null while unknown. */
  readonly recordId: string | null;
  readonly sourceId: string;
  readonly fields: readonly FieldChange[];
  /** The outbox's status of the write: pending, done, dead, superseded, dropped; null when pruned. */
  readonly delivery: string | null;
  readonly at: string;
}

export interface RunFilter {
  readonly sync?: string;
  /** Newest first; at most this many (default 50). */
  readonly limit?: number;
  /** Runs older than this id (paging). */
  readonly before?: number;
}

export interface HistoryLimits {
  /** Runs (and their changes) that finished longer ago than this are deleted. */
  readonly keepDays: number;
  /** At most this many change rows are kept, the newest. */
  readonly maxChanges: number;
}

/** Rows per insert: 9 parameters a row, well under SQLite's and PostgreSQL's limits. */
const CHUNK = 100;

export async function recordChanges(
  trx: Kysely<Database>,
  sync: string,
  runId: number,
  changes: readonly RecordChange[],
  now: string,
): Promise<void> {
  for (let i = 0; i < changes.length; i += CHUNK) {
    await trx
      .insertInto('run_changes')
      .values(
        changes.slice(i, i + CHUNK).map((c) => ({
          run_id: runId,
          sync,
          side: c.side,
          action: c.action,
          record_id: c.targetId,
          source_id: c.sourceId,
          op_key: c.key ?? null,
          fields: JSON.stringify(c.fields),
          at: now,
        })),
      )
      .execute();
  }
}

export async function listRuns(db: Kysely<Database>, filter: RunFilter = {}): Promise<RunRow[]> {
  let query = db.selectFrom('runs').selectAll();
  if (filter.sync !== undefined) query = query.where('sync', '=', filter.sync);
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50)
    .execute();
}

export async function getRun(db: Kysely<Database>, id: number): Promise<RunRow | undefined> {
  return db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The changes of run `runId` in the order they were committed; `recordId` narrows to one record (either side's id). */
export async function listChanges(db: Kysely<Database>, runId: number, recordId?: string): Promise<RunChange[]> {
  let query = db
    .selectFrom('run_changes as c')
    .leftJoin('outbox as o', 'o.idempotency_key', 'c.op_key')
    .select([
      'c.id',
      'c.run_id',
      'c.sync',
      'c.side',
      'c.action',
      'c.record_id',
      'c.source_id',
      'c.fields',
      'c.at',
      'o.status',
      'o.target_id',
    ])
    .where('c.run_id', '=', runId);
  if (recordId !== undefined)
    query = query.where((eb) =>
      eb.or([eb('c.record_id', '=', recordId), eb('c.source_id', '=', recordId), eb('o.target_id', '=', recordId)]),
    );
  const rows = await query.orderBy('c.id').execute();
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    sync: r.sync,
    side: r.side,
    action: r.action as ChangeAction,
    recordId: r.record_id ?? r.target_id ?? null,
    sourceId: r.source_id,
    fields: JSON.parse(r.fields) as FieldChange[],
    delivery: r.status ?? null,
    at: r.at,
  }));
}

/** Deletes runs finished before the window and their changes, then the oldest changes past the size cap. */
export async function pruneHistory(
  db: Kysely<Database>,
  limits: HistoryLimits,
  nowMs: number,
): Promise<{ runs: number; changes: number }> {
  const cutoff = new Date(nowMs - limits.keepDays * 86_400_000).toISOString();
  const old = db.selectFrom('runs').select('id').where('status', '!=', 'running').where('started_at', '<', cutoff);
  const byAge = await db.deleteFrom('run_changes').where('run_id', 'in', old).executeTakeFirst();
  const runs = await db
    .deleteFrom('runs')
    .where('status', '!=', 'running')
    .where('started_at', '<', cutoff)
    .executeTakeFirst();
  let bySize = 0n;
  const edge = await db
    .selectFrom('run_changes')
    .select('id')
    .orderBy('id', 'desc')
    .offset(limits.maxChanges)
    .limit(1)
    .executeTakeFirst();
  if (edge !== undefined)
    bySize = (await db.deleteFrom('run_changes').where('id', '<=', edge.id).executeTakeFirst()).numDeletedRows;
  return { runs: Number(runs.numDeletedRows), changes: Number(byAge.numDeletedRows + bySize) };
}
