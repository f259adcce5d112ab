/**
 * A backfill's own progress: where each side's re-read has got to, what it pulled and wrote, and
 * when it started, so that a backfill stopped by Ctrl-C or a crash resumes from its cursor instead
 * of re-reading from the start. Kept apart from the incremental checkpoint, which a backfill never
 * moves backwards.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Cursor } from '../connectors/types.js';
import { ownerGone } from './runs.js';
import type { BackfillRow, BackfillState, Database, Side } from './schema.js';

/** One side of a backfill. */
export interface BackfillSide {
  /** Where reading resumes; null before the first page (reading starts at `since`). */
  readonly cursor: Cursor | null;
  /** Read to its end. */
  readonly done: boolean;
  readonly pulled: number;
  readonly written: number;
  /** Records expected (pulled so far plus what the connector counted as left); null when unknown. */
  readonly total: number | null;
}

export interface Backfill {
  readonly id: number;
  readonly sync: string;
  readonly since: string | null;
  readonly state: BackfillState;
  readonly startedAt: string;
  /** When the current (or last) process started or resumed it. */
  readonly sessionStartedAt: string;
  /** Records pulled, both sides, before that session. */
  readonly sessionPulled: number;
  readonly resumes: number;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  readonly sides: { readonly crm: BackfillSide; readonly erp: BackfillSide };
  readonly error: string | null;
}

/** What `beginBackfill` did. `conflict`: an unfinished backfill has another `since`; nothing changed. */
export type BackfillStart =
  | { readonly outcome: 'started'; readonly backfill: Backfill; readonly superseded: Backfill | null }
  | { readonly outcome: 'resumed'; readonly backfill: Backfill }
  | { readonly outcome: 'conflict'; readonly unfinished: Backfill };

export interface BeginBackfill {
  readonly sync: string;
  /** ISO 8601; null: from the beginning; undefined: the unfinished one's, or from the beginning. */
  readonly since: string | null | undefined;
  /** Supersede an unfinished backfill and start over. */
  readonly restart: boolean;
}

/** Per side, what a page moved: absolute figures (the caller adds its session's to the resumed ones). */
export interface BackfillPage {
  readonly side: Side;
  readonly cursor: Cursor;
  readonly pulled: number;
  readonly written: { readonly crm: number; readonly erp: number };
}

const UNFINISHED: readonly BackfillState[] = ['running', 'interrupted', 'failed', 'paused'];

function toBackfill(row: BackfillRow): Backfill {
  const side = (s: Side): BackfillSide => {
    const cursor = row[`${s}_cursor`];
    return {
      cursor: cursor === null ? null : (JSON.parse(cursor) as Cursor),
      done: row[`${s}_done`] === 1,
      pulled: row[`${s}_pulled`],
      written: row[`${s}_written`],
      total: row[`${s}_total`],
    };
  };
  return {
    id: row.id,
    sync: row.sync,
    since: row.since,
    state: row.state,
    startedAt: row.started_at,
    sessionStartedAt: row.session_started_at,
    sessionPulled: row.session_pulled,
    resumes: row.resumes,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    sides: { crm: side('crm'), erp: side('erp') },
    error: row.error,
  };
}

export async function byId(db: Kysely<Database>, id: number): Promise<Backfill> {
  return toBackfill(await db.selectFrom('backfills').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}

/** The latest backfill of `sync`, finished or not. */
export async function latestBackfill(db: Kysely<Database>, sync: string): Promise<Backfill | undefined> {
  const row = await db
    .selectFrom('backfills')
    .selectAll()
    .where('sync', '=', sync)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row === undefined ? undefined : toBackfill(row);
}

/** The latest backfill of `sync` that has not finished (nor been superseded). */
export async function unfinishedBackfill(db: Kysely<Database>, sync: string): Promise<Backfill | undefined> {
  const row = await db
    .selectFrom('backfills')
    .selectAll()
    .where('sync', '=', sync)
    .where('state', 'in', UNFINISHED)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row === undefined ? undefined : toBackfill(row);
}

/**
 * Resumes the unfinished backfill of the sync, or starts one (superseding the unfinished one when
 * `restart`), in one transaction. The backfill is `running` afterwards, its session starting now.
 */
export async function beginBackfill(db: Kysely<Database>, request: BeginBackfill, now: string): Promise<BackfillStart> {
  return db.transaction().execute(async (trx): Promise<BackfillStart> => {
    const unfinished = await unfinishedBackfill(trx, request.sync);
    if (unfinished !== undefined && !request.restart) {
      if (request.since !== undefined && request.since !== unfinished.since) return { outcome: 'conflict', unfinished };
      await trx
        .updateTable('backfills')
        .set({
          state: 'running',
          pid: process.pid,
          session_started_at: now,
          session_pulled: unfinished.sides.crm.pulled + unfinished.sides.erp.pulled,
          resumes: unfinished.resumes + 1,
          updated_at: now,
          finished_at: null,
          error: null,
        })
        .where('id', '=', unfinished.id)
        .execute();
      return { outcome: 'resumed', backfill: await byId(trx, unfinished.id) };
    }
    if (unfinished !== undefined) await finishBackfill(trx, unfinished.id, 'superseded', null, now);
    const { id } = await trx
      .insertInto('backfills')
      .values({
        sync: request.sync,
        since: request.since ?? null,
        state: 'running',
        pid: process.pid,
        started_at: now,
        session_started_at: now,
        session_pulled: 0,
        resumes: 0,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return {
      outcome: 'started',
      backfill: await byId(trx, id),
      superseded: unfinished === undefined ? null : await byId(trx, unfinished.id),
    };
  });
}

/** Records the expected totals (null: the connector cannot count). */
export async function setBackfillTotals(
  db: Kysely<Database>,
  id: number,
  totals: { readonly crm?: number | null; readonly erp?: number | null },
): Promise<void> {
  await db
    .updateTable('backfills')
    .set({
      ...(totals.crm === undefined ? {} : { crm_total: totals.crm }),
      ...(totals.erp === undefined ? {} : { erp_total: totals.erp }),
    })
    .where('id', '=', id)
    .execute();
}

/** A page committed: the side's cursor and the running figures. */
export async function saveBackfillPage(
  db: Kysely<Database>,
  id: number,
  page: BackfillPage,
  now: string,
): Promise<void> {
  await db
    .updateTable('backfills')
    .set({
      ...(page.side === 'crm'
        ? { crm_cursor: JSON.stringify(page.cursor), crm_pulled: page.pulled }
        : { erp_cursor: JSON.stringify(page.cursor), erp_pulled: page.pulled }),
      crm_written: page.written.crm,
      erp_written: page.written.erp,
      // Marked interrupted by a process that thought this one gone: it is not.
      state: 'running',
      pid: process.pid,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('state', 'in', UNFINISHED)
    .execute();
}

/** The side was read to its end; a resume skips it. */
export async function markBackfillSideDone(db: Kysely<Database>, id: number, side: Side, now: string): Promise<void> {
  await db
    .updateTable('backfills')
    .set({ ...(side === 'crm' ? { crm_done: 1 } : { erp_done: 1 }), updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Ends this session: `done`, or a state that a later run resumes from (`interrupted`, `failed`, `paused`). */
export async function finishBackfill(
  db: Kysely<Database> | Transaction<Database>,
  id: number,
  state: Exclude<BackfillState, 'running'>,
  error: string | null,
  now: string,
  written?: { readonly crm: number; readonly erp: number },
): Promise<void> {
  await db
    .updateTable('backfills')
    .set({
      state,
      error,
      updated_at: now,
      finished_at: state === 'done' || state === 'superseded' ? now : null,
      ...(written === undefined ? {} : { crm_written: written.crm, erp_written: written.erp }),
    })
    .where('id', '=', id)
    .execute();
}

/** A backfill left `running` by a crash is `interrupted` when the store opens again. */
export async function closeAbandonedBackfills(db: Kysely<Database>, now: string): Promise<number> {
  const running = await db.selectFrom('backfills').select(['id', 'pid']).where('state', '=', 'running').execute();
  const gone = running.filter((b) => ownerGone(b.pid)).map((b) => b.id);
  if (gone.length === 0) return 0;
  const result = await db
    .updateTable('backfills')
    .set({ state: 'interrupted', updated_at: now, error: 'the process stopped during this backfill' })
    .where('id', 'in', gone)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
