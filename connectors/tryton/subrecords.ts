/**
 * Party changes Tryton does not date on the party. A contact mechanism, address or identifier
 * edited on its own (its own form, or an RPC call on its model) gets a `write_date` of its own,
 * and the party's stays as it was, so an incremental read of `party.party` misses it. After the
 * parties, the reader asks each sub-record model behind a requested virtual field for rows changed
 * since the read's start and reads their parties again, dated by the later of the two times.
 */
import { z } from 'zod';
import type { TrytonRpc } from './rpc.js';
import { changeRowSchema } from './schemas.js';
import { modifiedAt } from './records.js';
import { sinceDomain } from './domains.js';

const SUBRECORDS = [
  { model: 'party.contact_mechanism', fields: ['email', 'phone'] },
  { model: 'party.address', fields: ['street', 'city', 'zip', 'country_code'] },
  { model: 'party.identifier', fields: ['tax_identifier'] },
] as const;

const subRowsSchema = z.array(changeRowSchema.extend({ party: z.number().int().positive().nullable() }));
const PAGE = 500;

/** Party id -> the latest change time of its sub-records changed since `since`, for the requested fields. */
export async function partiesChangedThroughSubrecords(
  rpc: TrytonRpc,
  requested: readonly string[],
  since: string,
  signal?: AbortSignal,
): Promise<Map<number, string>> {
  const touched = new Map<number, string>();
  for (const sub of SUBRECORDS) {
    if (!sub.fields.some((f) => requested.includes(f))) continue;
    let after = 0;
    for (;;) {
      const rows = await rpc.model(
        sub.model,
        'search_read',
        [[...sinceDomain(since), ['id', '>', after]], 0, PAGE, [['id', 'ASC']], ['party', 'create_date', 'write_date']],
        subRowsSchema,
        { readOnly: true, context: { active_test: false }, ...(signal === undefined ? {} : { signal }) },
      );
      for (const row of rows) {
        if (row.party === null) continue;
        const at = modifiedAt(row);
        const known = touched.get(row.party);
        if (known === undefined || at > known) touched.set(row.party, at);
      }
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < PAGE) break;
      after = last.id;
    }
  }
  return touched;
}
