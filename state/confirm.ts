/**
 * Confirming delivered writes: each write's link (created if new) takes the operation's canonical
 * values into its base snapshot and the operation is marked done, in the caller's transaction. A
 * batch reads its links in one query and confirms all its writes in one transaction.
 */
import type { Kysely } from 'kysely';
import { isUniqueViolation, LinkConflictError } from './errors.js';
import { decodeMarkerUpdate } from './link-markers.js';
import { linksByCrmId, mergeInto, type LinkUpdate } from './links.js';
import { markDone } from './outbox.js';
import type { Database, LinkRow, OutboxRow } from './schema.js';

/** A write the vendor applied: its operation and the id of the record it wrote. */
export interface Confirmation {
  readonly row: OutboxRow;
  readonly targetId: string;
}

/** The link change a confirmed write makes; undefined for an archive that moves nothing. */
function linkUpdateOf({ row, targetId }: Confirmation): LinkUpdate | undefined {
  const [crmId, erpId] = row.target_side === 'erp' ? [row.source_id, targetId] : [targetId, row.source_id];
  const base = row.base === null ? {} : (JSON.parse(row.base) as Record<string, unknown>);
  const markers = decodeMarkerUpdate(row.link_markers);
  // An archive moves no field, but its link remembers that it was ours (see planRestore).
  if (row.action === 'upsert' || row.base !== null || markers !== undefined)
    return { sync: row.sync, crmId, erpId, base, markers };
  return undefined;
}

/**
 * Confirms `confirmations` (one sync's) inside `trx`: links merged, operations done. A record linked
 * to another one already throws `LinkConflictError` naming it; the caller's transaction then rolls
 * the whole batch back.
 */
export async function confirmWrites(
  trx: Kysely<Database>,
  confirmations: readonly Confirmation[],
  now: string,
): Promise<void> {
  const updates = confirmations.map(linkUpdateOf);
  const sync = confirmations[0]?.row.sync;
  const crmIds = updates.flatMap((u) => (u === undefined ? [] : [u.crmId]));
  const links: Map<string, LinkRow> =
    sync === undefined || crmIds.length === 0 ? new Map() : await linksByCrmId(trx, sync, crmIds);
  for (const [i, confirmation] of confirmations.entries()) {
    const update = updates[i];
    if (update !== undefined) {
      if (update.sync !== sync)
        throw new Error(`a batch of "${String(sync)}" confirmations holds one of "${update.sync}"`);
      try {
        links.set(update.crmId, await mergeInto(trx, links.get(update.crmId), update, now));
      } catch (error) {
        if (isUniqueViolation(error))
          throw new LinkConflictError({ sync: update.sync, crmId: update.crmId, erpId: update.erpId }, error);
        throw error;
      }
    }
    await markDone(trx, confirmation.row.id, confirmation.targetId, now);
  }
}
