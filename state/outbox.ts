/**
 * Outbox queries. An operation is keyed by its idempotency key: enqueuing the same key again
 * is a no-op while it is pending (or dead, waiting for a person), and re-arms it once done (the
 * record went back to a value that was written before, and the target has since changed) or
 * dropped (a person gave the old attempt up; the same change made again is a new intention). A newer operation for the same
 * source record supersedes an older pending one, so the latest values win.
 */
import type { Kysely } from 'kysely';
import type { WriteFailure } from '../connectors/types.js';
import { encodeMarkerUpdate, type MarkerUpdate } from './link-markers.js';
import type { Database, OutboxRow, OutboxStatus, Side } from './schema.js';

export interface NewOperation {
  readonly sync: string;
  readonly targetSide: Side;
  readonly object: string;
  readonly action: 'upsert' | 'archive';
  readonly key: string;
  readonly sourceId: string;
  readonly targetId: string | null;
  readonly ref: { readonly field: string; readonly value: string } | null;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly payloadHash: string;
  /** Canonical values this write makes true, merged into the link's base on confirm. */
  readonly base?: Readonly<Record<string, unknown>> | null;
  /** What this write changes in its link's markers on confirm (an archive of ours, a restore). */
  readonly markers?: MarkerUpdate;
  /** The target's version this write is planned on (optimistic concurrency: refused if it changed). */
  readonly planned?: string;
}

export async function enqueue(db: Kysely<Database>, op: NewOperation, now: string): Promise<void> {
  await enqueueAll(db, [op], now);
}

/** Rows per statement of {@link enqueueAll}: 19 parameters a row, well under SQLite's and PostgreSQL's limits. */
const ENQUEUE_CHUNK = 100;

/**
 * {@link enqueue} for a page's operations, two statements per 100 rather than two per operation.
 * Operations of one record (sync, side, source) twice in `ops` are enqueued one by one, in order,
 * so the later one supersedes the earlier as it would alone.
 */
export async function enqueueAll(db: Kysely<Database>, ops: readonly NewOperation[], now: string): Promise<void> {
  const records = new Set(ops.map((op) => `${op.sync}\u0000${op.targetSide}\u0000${op.sourceId}`));
  if (records.size < ops.length) {
    for (const op of ops) await enqueueChunk(db, [op], now);
    return;
  }
  for (let i = 0; i < ops.length; i += ENQUEUE_CHUNK) await enqueueChunk(db, ops.slice(i, i + ENQUEUE_CHUNK), now);
}

/** Supersedes the pending operations of these records under another key, then inserts or re-arms these. */
async function enqueueChunk(db: Kysely<Database>, ops: readonly NewOperation[], now: string): Promise<void> {
  if (ops.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ status: 'superseded', updated_at: now })
    .where('status', '=', 'pending')
    .where((eb) =>
      eb.or(
        ops.map((op) =>
          eb.and([
            eb('sync', '=', op.sync),
            eb('target_side', '=', op.targetSide),
            eb('source_id', '=', op.sourceId),
            eb('idempotency_key', '!=', op.key),
          ]),
        ),
      ),
    )
    .execute();
  await db
    .insertInto('outbox')
    .values(
      ops.map((op) => ({
        sync: op.sync,
        target_side: op.targetSide,
        object: op.object,
        action: op.action,
        idempotency_key: op.key,
        source_id: op.sourceId,
        target_id: op.targetId,
        ref_field: op.ref?.field ?? null,
        ref_value: op.ref?.value ?? null,
        payload: JSON.stringify(op.payload),
        payload_hash: op.payloadHash,
        base: op.base === undefined || op.base === null ? null : JSON.stringify(op.base),
        link_markers: encodeMarkerUpdate(op.markers),
        planned_version: op.planned ?? null,
        status: 'pending' as const,
        attempts: 0,
        last_error: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc
        .column('idempotency_key')
        .doUpdateSet((eb) => ({
          status: 'pending',
          attempts: 0,
          target_id: eb.ref('excluded.target_id'),
          updated_at: now,
        }))
        .where('outbox.status', 'in', ['done', 'superseded', 'dropped']),
    )
    .execute();
}

/** The oldest pending operations of one sync and side, at most `limit`. */
export async function pending(
  db: Kysely<Database>,
  sync: string,
  side: Side,
  limit: number,
  afterId = 0,
): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('sync', '=', sync)
    .where('target_side', '=', side)
    .where('status', '=', 'pending')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function markDone(db: Kysely<Database>, id: number, targetId: string, now: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'done', target_id: targetId, last_error: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * Counts a failed attempt. Returns true when the operation is now dead: a permanent error, or
 * `maxAttempts` reached. A dead operation gets a dead-letter row with the vendor's error.
 */
export async function recordFailure(
  db: Kysely<Database>,
  row: OutboxRow,
  failure: WriteFailure,
  maxAttempts: number,
  now: string,
): Promise<boolean> {
  const attempts = row.attempts + 1;
  const dead = !failure.retryable || attempts >= maxAttempts;
  await db
    .updateTable('outbox')
    .set({ attempts, status: dead ? 'dead' : 'pending', last_error: JSON.stringify(failure), updated_at: now })
    .where('id', '=', row.id)
    .execute();
  if (dead) {
    await db
      .insertInto('dead_letters')
      .values({
        sync: row.sync,
        side: row.target_side,
        stage: 'deliver',
        record_id: row.source_id,
        operation_key: row.idempotency_key,
        payload: row.payload,
        error: JSON.stringify({ ...failure, attempts }),
        created_at: now,
      })
      .execute();
  }
  return dead;
}

export interface OutboxCounts {
  readonly pending: number;
  readonly done: number;
  readonly dead: number;
  /** When the oldest pending operation was queued: the oldest change read but not written yet; null when none is. */
  readonly oldestPendingAt: string | null;
}

export async function outboxCounts(db: Kysely<Database>, sync: string): Promise<OutboxCounts> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('sync', '=', sync)
    .groupBy('status')
    .execute();
  const count = (status: string): number => Number(rows.find((r) => r.status === status)?.n ?? 0);
  const oldest = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min<string | null>('created_at').as('at'))
    .where('sync', '=', sync)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return { pending: count('pending'), done: count('done'), dead: count('dead'), oldestPendingAt: oldest?.at ?? null };
}

/** The status of each of these idempotency keys in the outbox (keys not there are absent). */
export async function statusesOf(db: Kysely<Database>, keys: readonly string[]): Promise<Map<string, OutboxStatus>> {
  const out = new Map<string, OutboxStatus>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('outbox')
      .select(['idempotency_key', 'status'])
      .where('idempotency_key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.idempotency_key, row.status);
  }
  return out;
}

/** Supersedes one pending operation (re-planned: src/pipeline/replan.ts); a no-op once it left pending. */
export async function supersede(db: Kysely<Database>, id: number, now: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'superseded', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}
