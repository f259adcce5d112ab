/**
 * Migration 0010's second data step. Before it, the version a write was planned on (optimistic
 * concurrency) travelled inside the outbox payload under `@planned`, beside the vendor fields; it
 * moves to `outbox.planned_version`, so the payload holds only what the vendor is sent. The
 * operation's hash and idempotency key stay as they were (src/pipeline/planned.ts hashes it alike).
 */
import { sql, type Kysely } from 'kysely';

const PLANNED = '@planned';

/** Moves `@planned` out of every outbox payload into `planned_version`. */
export async function movePlannedVersions(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<{ id: number; payload: string }>`
    select id, payload from outbox where payload like ${`%"${PLANNED}"%`}`.execute(db);
  for (const row of rows.rows) {
    const { [PLANNED]: planned, ...fields } = JSON.parse(row.payload) as Record<string, unknown>;
    const version =
      typeof planned === 'object' && planned !== null && 'version' in planned && typeof planned.version === 'string'
        ? planned.version
        : null;
    await sql`update outbox set payload = ${JSON.stringify(fields)}, planned_version = ${version}
      where id = ${row.id}`.execute(db);
  }
}
