/** Dead letters and ambiguous matches: what a person must look at. */
import type { Kysely } from 'kysely';
import type { Database, DeadLetterRow, Side } from './schema.js';

export interface NewDeadLetter {
  readonly sync: string;
  readonly side: Side;
  readonly stage: string;
  readonly recordId: string;
  readonly payload: unknown;
  readonly error: unknown;
}

export async function addDeadLetter(db: Kysely<Database>, letter: NewDeadLetter, now: string): Promise<void> {
  await db
    .insertInto('dead_letters')
    .values({
      sync: letter.sync,
      side: letter.side,
      stage: letter.stage,
      record_id: letter.recordId,
      operation_key: null,
      payload: JSON.stringify(letter.payload),
      error: JSON.stringify(letter.error),
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
