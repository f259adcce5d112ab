/** Dead letters and ambiguous matches: what a person must look at. */
import type { Kysely } from 'kysely';
import { compareTimes } from '../connectors/cursor.js';
import type { SourceRecord } from '../connectors/types.js';
import type { Database, DeadLetterRow, Side } from './schema.js';
import { park } from './waiting.js';

const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');

export interface NewDeadLetter {
  readonly sync: string;
  readonly side: Side;
  readonly stage: string;
  readonly recordId: string;
  readonly payload: unknown;
  readonly error: unknown;
}

/**
 * Adds a dead letter, once: a record that fails the same way again (re-read by the lookback window,
 * or from the other side in the same run) refreshes the letter's payload instead of adding another.
 */
export async function addDeadLetter(db: Kysely<Database>, letter: NewDeadLetter, now: string): Promise<void> {
  const error = JSON.stringify(letter.error);
  const same = await db
    .selectFrom('dead_letters')
    .select('id')
    .where('sync', '=', letter.sync)
    .where('side', '=', letter.side)
    .where('stage', '=', letter.stage)
    .where('record_id', '=', letter.recordId)
    .where('operation_key', 'is', null)
    .where('error', '=', error)
    .executeTakeFirst();
  if (same !== undefined) {
    await db
      .updateTable('dead_letters')
      .set({ payload: JSON.stringify(letter.payload) })
      .where('id', '=', same.id)
      .execute();
    return;
  }
  await db
    .insertInto('dead_letters')
    .values({
      sync: letter.sync,
      side: letter.side,
      stage: letter.stage,
      record_id: letter.recordId,
      operation_key: null,
      payload: JSON.stringify(letter.payload),
      error,
      created_at: now,
    })
    .execute();
}

export async function listDeadLetters(db: Kysely<Database>, sync?: string): Promise<DeadLetterRow[]> {
  let query = db.selectFrom('dead_letters').selectAll();
  if (sync !== undefined) query = query.where('sync', '=', sync);
  return query.orderBy('id').execute();
}

export async function countDeadLetters(db: Kysely<Database>, sync: string): Promise<number> {
  const row = await db
    .selectFrom('dead_letters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sync', '=', sync)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface AmbiguousMatch {
  readonly sync: string;
  readonly side: Side;
  readonly recordId: string;
  readonly matchKey: string;
  readonly candidates: readonly string[];
}

export async function recordAmbiguous(db: Kysely<Database>, match: AmbiguousMatch, now: string): Promise<void> {
  const values = {
    sync: match.sync,
    side: match.side,
    record_id: match.recordId,
    match_key: match.matchKey,
    candidates: JSON.stringify(match.candidates),
    created_at: now,
  };
  await db
    .insertInto('ambiguous_matches')
    .values(values)
    .onConflict((oc) =>
      oc
        .columns(['sync', 'side', 'record_id'])
        .doUpdateSet({ candidates: values.candidates, match_key: values.match_key }),
    )
    .execute();
}

export async function listAmbiguous(db: Kysely<Database>, sync: string): Promise<AmbiguousMatch[]> {
  const rows = await db
    .selectFrom('ambiguous_matches')
    .selectAll()
    .where('sync', '=', sync)
    .orderBy('record_id')
    .execute();
  return rows.map((r) => ({
    sync: r.sync,
    side: r.side,
    recordId: r.record_id,
    matchKey: r.match_key,
    candidates: JSON.parse(r.candidates) as string[],
  }));
}

export async function getDeadLetter(db: Kysely<Database>, id: number): Promise<DeadLetterRow | undefined> {
  return db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Puts a dead operation back in the outbox with its idempotency key and a fresh attempt count,
 * and removes the letter. A record that could not be mapped (stage `map`, its payload the record
 * as read: a deal naming a product the ERP lacked) goes back to the waiting room instead, so the
 * next run maps it again, as read, whether or not it changed since (the cause may be on the other
 * side: the product created in the ERP). Returns false for any other letter without an operation
 * (fix the mapping and backfill instead).
 */
export async function requeueDeadLetter(db: Kysely<Database>, letter: DeadLetterRow, now: string): Promise<boolean> {
  if (letter.operation_key === null) return remapRefused(db, letter, now);
  const key = letter.operation_key;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('outbox')
      .set({ status: 'pending', attempts: 0, updated_at: now })
      .where('idempotency_key', '=', key)
      .where('status', '=', 'dead')
      .execute();
    await trx.deleteFrom('dead_letters').where('id', '=', letter.id).execute();
  });
  return true;
}

/** The record a refused letter holds (src/pipeline/process.ts `refuse`), else undefined. */
function refusedRecord(letter: DeadLetterRow): SourceRecord | undefined {
  if (letter.stage !== 'map') return undefined;
  const payload = JSON.parse(letter.payload) as unknown;
  if (typeof payload !== 'object' || payload === null) return undefined;
  const r = payload as Partial<Record<keyof SourceRecord, unknown>>;
  const fields = r.fields;
  if (r.id !== letter.record_id || typeof r.modifiedAt !== 'string' || r.deleted !== false) return undefined;
  if (typeof fields !== 'object' || fields === null) return undefined;
  const alternates = r.alternates as SourceRecord['alternates'];
  return {
    id: r.id,
    modifiedAt: r.modifiedAt,
    deleted: false,
    fields: fields as Record<string, unknown>,
    ...(alternates === undefined ? {} : { alternates }),
  };
}

/**
 * Parks a refused record (read from the side opposite the letter's) for the next run, unless a
 * later version of it has been mapped since; false when the letter holds no record.
 */
async function remapRefused(db: Kysely<Database>, letter: DeadLetterRow, now: string): Promise<boolean> {
  const record = refusedRecord(letter);
  if (record === undefined) return false;
  const side = other(letter.side);
  await db.transaction().execute(async (trx) => {
    // Mapped since (a later version of the record is linked): the letter is history; parking the
    // version it holds would plan old values over newer ones.
    const link = await trx
      .selectFrom('links')
      .select(['crm_version', 'erp_version'])
      .where('sync', '=', letter.sync)
      .where(side === 'crm' ? 'crm_id' : 'erp_id', '=', record.id)
      .executeTakeFirst();
    const version = side === 'crm' ? link?.crm_version : link?.erp_version;
    if (version === undefined || version === null || compareTimes(version, record.modifiedAt) < 0)
      await park(trx, { sync: letter.sync, side, record, needsSync: letter.sync, needsId: record.id }, now);
    await trx.deleteFrom('dead_letters').where('id', '=', letter.id).execute();
  });
  return true;
}

/**
 * Removes a letter. Its operation, if any, is marked `dropped` in the same transaction, so its
 * idempotency key no longer blocks the same write when the same change is made again later.
 */
export async function dropDeadLetter(db: Kysely<Database>, id: number, now: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const letter = await trx.selectFrom('dead_letters').select('operation_key').where('id', '=', id).executeTakeFirst();
    if (letter === undefined) return false;
    if (letter.operation_key !== null)
      await trx
        .updateTable('outbox')
        .set({ status: 'dropped', updated_at: now })
        .where('idempotency_key', '=', letter.operation_key)
        .where('status', '=', 'dead')
        .execute();
    await trx.deleteFrom('dead_letters').where('id', '=', id).execute();
    return true;
  });
}
