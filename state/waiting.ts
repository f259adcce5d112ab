/** Records parked until a record they reference is linked (a contact waiting for its company). */
import type { Kysely } from 'kysely';
import type { SourceRecord } from '../connectors/types.js';
import type { Database, Side } from './schema.js';

export interface WaitingRecord {
  readonly sync: string;
  readonly side: Side;
  readonly record: SourceRecord;
  readonly needsSync: string;
  readonly needsId: string;
}

export async function park(db: Kysely<Database>, waiting: WaitingRecord, now: string): Promise<void> {
  const values = {
    sync: waiting.sync,
    side: waiting.side,
    record_id: waiting.record.id,
    record: JSON.stringify(waiting.record),
    needs_sync: waiting.needsSync,
    needs_id: waiting.needsId,
    created_at: now,
  };
  await db
    .insertInto('waiting')
    .values(values)
    .onConflict((oc) =>
      oc
        .columns(['sync', 'side', 'record_id'])
        .doUpdateSet({ record: values.record, needs_sync: values.needs_sync, needs_id: values.needs_id }),
    )
    .execute();
}

export async function parked(db: Kysely<Database>, sync: string, side: Side): Promise<WaitingRecord[]> {
  const rows = await db
    .selectFrom('waiting')
    .selectAll()
    .where('sync', '=', sync)
    .where('side', '=', side)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    sync: r.sync,
    side: r.side,
    record: JSON.parse(r.record) as SourceRecord,
    needsSync: r.needs_sync,
    needsId: r.needs_id,
  }));
}

export async function unpark(db: Kysely<Database>, sync: string, side: Side, recordId: string): Promise<void> {
  await db
    .deleteFrom('waiting')
    .where('sync', '=', sync)
    .where('side', '=', side)
    .where('record_id', '=', recordId)
    .execute();
}

export async function countWaiting(db: Kysely<Database>, sync: string): Promise<number> {
  const row = await db
    .selectFrom('waiting')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sync', '=', sync)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
