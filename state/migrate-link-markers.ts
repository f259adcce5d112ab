/**
 * Migration 0010's data step. Before it, a link's markers lived inside its base snapshot under
 * sentinel keys (`@archived`: the side Tandem archived; `@deleted:crm` / `@deleted:erp`: the last
 * tombstone handled per side), and a pending archive or restore carried `@archived` in the outbox
 * row's base. They move to `links.archived_by_us`, `links.deletes_handled` and
 * `outbox.link_markers`, so an upgraded store keeps its meaning and every base holds only mapped fields.
 */
import { sql, type Kysely } from 'kysely';

const ARCHIVED = '@archived';
const DELETED = '@deleted:';

type Json = Record<string, unknown>;

/** `base` without its sentinel keys, and what they said. */
function split(base: Json): { rest: Json; archived: unknown; archivedSet: boolean; deletes: Json } {
  const rest: Json = {};
  const deletes: Json = {};
  for (const [key, value] of Object.entries(base)) {
    if (key === ARCHIVED) continue;
    if (key.startsWith(DELETED)) deletes[key.slice(DELETED.length)] = value;
    else rest[key] = value;
  }
  return { rest, archived: base[ARCHIVED], archivedSet: ARCHIVED in base, deletes };
}

const side = (value: unknown): string | null => (value === 'crm' || value === 'erp' ? value : null);

/** Moves the sentinel keys of every link and every outbox row out of their base JSON. */
export async function moveLinkMarkers(db: Kysely<unknown>): Promise<void> {
  const links = await sql<{ rowid: number; base: string }>`
    select rowid, base from links where base like '%"@%'`.execute(db);
  for (const row of links.rows) {
    const { rest, archived, deletes } = split(JSON.parse(row.base) as Json);
    const handled = Object.keys(deletes).length === 0 ? null : JSON.stringify(deletes);
    await sql`update links set base = ${JSON.stringify(rest)}, archived_by_us = ${side(archived)},
      deletes_handled = ${handled} where rowid = ${row.rowid}`.execute(db);
  }
  const ops = await sql<{ id: number; base: string }>`
    select id, base from outbox where base like '%"@%'`.execute(db);
  for (const row of ops.rows) {
    const { rest, archived, archivedSet } = split(JSON.parse(row.base) as Json);
    // Only `@archived` ever travelled in an outbox row: set by an archive, cleared by a restore.
    const markers = archivedSet ? JSON.stringify({ archivedByUs: side(archived) }) : null;
    await sql`update outbox set base = ${JSON.stringify(rest)}, link_markers = ${markers}
      where id = ${row.id}`.execute(db);
  }
}
