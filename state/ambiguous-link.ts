/**
 * A person settles an ambiguous first-contact match: the record is linked to the candidate they chose.
 * The link starts with an empty base snapshot (every field unsettled, exactly as a pair met by a key
 * for the first time, see src/pipeline/merge.ts), and the record is parked in the waiting room, which
 * every run plans again first: so the next run merges the pair through the new link even when no
 * read brings the record back. The ambiguous match is gone in the same transaction.
 */
import type { Kysely } from 'kysely';
import type { SourceRecord } from '../connectors/types.js';
import { LinkConflictError } from './errors.js';
import type { Database, Side } from './schema.js';

export interface ManualLink {
  readonly sync: string;
  /** The side of the ambiguous record. */
  readonly side: Side;
  /** The ambiguous record as read now: parked, so the next run plans it through the link. */
  readonly record: SourceRecord;
  /** The other side's record the person chose. */
  readonly candidateId: string;
}

/** Whether the match was there to settle; `LinkConflictError` when either record is linked already. */
export async function linkAmbiguous(trx: Kysely<Database>, link: ManualLink, now: string): Promise<boolean> {
  const { sync, side, record, candidateId } = link;
  // A match is kept under the side its candidates are on (the side a write would go to).
  const them = side === 'crm' ? 'erp' : 'crm';
  const match = await trx
    .selectFrom('ambiguous_matches')
    .select('record_id')
    .where('sync', '=', sync)
    .where('side', '=', them)
    .where('record_id', '=', record.id)
    .executeTakeFirst();
  if (match === undefined) return false;
  const [crmId, erpId] = side === 'crm' ? [record.id, candidateId] : [candidateId, record.id];
  const taken = await trx
    .selectFrom('links')
    .select(['crm_id', 'erp_id'])
    .where('sync', '=', sync)
    .where((eb) => eb.or([eb('crm_id', '=', crmId), eb('erp_id', '=', erpId)]))
    .executeTakeFirst();
  if (taken !== undefined)
    throw new LinkConflictError(
      { sync, crmId, erpId },
      new Error(`crm ${taken.crm_id} is linked to erp ${taken.erp_id} already`),
    );
  await trx
    .insertInto('links')
    .values({
      sync,
      crm_id: crmId,
      erp_id: erpId,
      base: '{}',
      payload_hash: '',
      updated_at: now,
      crm_version: null,
      erp_version: null,
      archived_by_us: null,
      deletes_handled: null,
    })
    .execute();
  const parked = {
    sync,
    side,
    record_id: record.id,
    record: JSON.stringify(record),
    needs_sync: sync,
    needs_id: candidateId,
    created_at: now,
  };
  await trx
    .insertInto('waiting')
    .values(parked)
    .onConflict((oc) =>
      oc
        .columns(['sync', 'side', 'record_id'])
        .doUpdateSet({ record: parked.record, needs_sync: parked.needs_sync, needs_id: parked.needs_id }),
    )
    .execute();
  // Settled for both: the record, and the candidate's own match if it was ambiguous the other way.
  await trx
    .deleteFrom('ambiguous_matches')
    .where('sync', '=', sync)
    .where((eb) =>
      eb.or([
        eb.and([eb('side', '=', them), eb('record_id', '=', record.id)]),
        eb.and([eb('side', '=', side), eb('record_id', '=', candidateId)]),
      ]),
    )
    .execute();
  return true;
}
