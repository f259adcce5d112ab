/** Circuit-breaker state per connector, persisted across restarts. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface BreakerRecord {
  readonly connector: string;
  readonly circuit: string;
  readonly state: unknown;
  readonly updatedAt: string;
}

export async function loadBreaker(db: Kysely<Database>, connector: string): Promise<BreakerRecord | undefined> {
  const row = await db.selectFrom('breakers').selectAll().where('connector', '=', connector).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function saveBreaker(
  db: Kysely<Database>,
  connector: string,
  circuit: string,
  state: unknown,
  now: string,
): Promise<void> {
  const values = { connector, circuit, state: JSON.stringify(state), updated_at: now };
  await db
    .insertInto('breakers')
    .values(values)
    .onConflict((oc) => oc.column('connector').doUpdateSet({ circuit, state: values.state, updated_at: now }))
    .execute();
}

export async function listBreakers(db: Kysely<Database>): Promise<BreakerRecord[]> {
  const rows = await db.selectFrom('breakers').selectAll().orderBy('connector').execute();
  return rows.map(toRecord);
}

function toRecord(row: { connector: string; circuit: string; state: string; updated_at: string }): BreakerRecord {
  return {
    connector: row.connector,
    circuit: row.circuit,
    state: JSON.parse(row.state) as unknown,
    updatedAt: row.updated_at,
  };
}
