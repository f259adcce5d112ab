/**
 * Link moves for merges: a record merged into another on one side hands its link to the survivor
 * (and the outbox's pending writes aimed at it follow); a link whose pair a merge made a duplicate
 * of another is dropped once the duplicate is merged away too.
 */
import type { Kysely } from 'kysely';
import type { Database, Side } from './schema.js';

/** Moves the link of `side` record `fromId` to `toId`, with the pending writes targeting it. */
export async function moveLink(
  db: Kysely<Database>,
  sync: string,
  side: Side,
  fromId: string,
  toId: string,
  now: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const column = side === 'crm' ? 'crm_id' : 'erp_id';
    const version = side === 'crm' ? 'crm_version' : 'erp_version';
    await trx
      .updateTable('links')
      .set({ [column]: toId, [version]: null, updated_at: now })
      .where('sync', '=', sync)
      .where(column, '=', fromId)
      .execute();
    await trx
      .updateTable('outbox')
      .set({ target_id: toId, updated_at: now })
      .where('sync', '=', sync)
      .where('target_side', '=', side)
      .where('target_id', '=', fromId)
      .where('status', '=', 'pending')
      .execute();
  });
}

/** Deletes the link of CRM record `crmId`. */
export async function dropLink(db: Kysely<Database>, sync: string, crmId: string): Promise<void> {
  await db.deleteFrom('links').where('sync', '=', sync).where('crm_id', '=', crmId).execute();
}
