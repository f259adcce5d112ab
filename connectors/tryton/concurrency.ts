/**
 * Tryton's optimistic concurrency, stretched over the records a party's virtual fields live in.
 *
 * trytond checks every `_timestamp` a call's context carries (`{"party.party,7": "...",
 * "party.contact_mechanism,12": "..."}`) against each record the call writes or deletes, one2many
 * children included: `write` and `delete` of every model run `__check_timestamp` on their ids
 * (trytond/model/modelsql.py), and trytond/rpc.py hands the whole dict to the transaction. A party's
 * own `_timestamp` (`coalesce(write_date, create_date)`) does not move when one of its contact
 * mechanisms or addresses is edited on its own, so the writer sends theirs as well.
 *
 * The version of a party, as Tandem plans and compares it, is the latest modification time of the
 * party and of its contact mechanisms, addresses and identifiers: an email edited in its own form is
 * an edit of the party, for the three-way merge's `owner: latest` as for a queued write's check.
 * (On SQLite `_timestamp` has whole seconds; on PostgreSQL microseconds.)
 */
import { z } from 'zod';
import type { RecordLookup, SourceRecord } from '../types.js';
import { PARTY } from './party.js';
import { modifiedAt } from './records.js';
import type { TrytonRpc } from './rpc.js';
import { changeRowSchema } from './schemas.js';

/** The one2many fields of a party that hold its virtual fields' values. */
const SUBRECORDS = ['contact_mechanisms', 'addresses', 'identifiers'] as const;
const SUBMODELS: Record<(typeof SUBRECORDS)[number], string> = {
  contact_mechanisms: 'party.contact_mechanism',
  addresses: 'party.address',
  identifiers: 'party.identifier',
};
const STAMP = ['_timestamp', 'create_date', 'write_date'] as const;

const stamped = changeRowSchema.extend({ _timestamp: z.string().nullable() });
type Stamped = z.infer<typeof stamped>;
const versionRowsSchema = z.array(
  stamped.extend({
    'contact_mechanisms.': z.array(stamped).default([]),
    'addresses.': z.array(stamped).default([]),
    'identifiers.': z.array(stamped).default([]),
  }),
);

/** A record's version and the `_timestamp` context entries that protect a write of it. */
export interface RecordVersion {
  /** The latest `coalesce(write_date, create_date)` of the record and (a party) its sub-records. */
  readonly version: string;
  /** `"model,id"` -> `_timestamp`, for the record and (a party) every sub-record a write may touch. */
  readonly timestamps: Readonly<Record<string, string>>;
}

/** Reads the versions of `ids` of `model` in one `search_read` (deactivated records included). */
export async function readVersions(
  rpc: TrytonRpc,
  model: string,
  ids: readonly number[],
): Promise<Map<number, RecordVersion>> {
  const out = new Map<number, RecordVersion>();
  if (ids.length === 0) return out;
  const fields = [...STAMP, ...(model === PARTY ? SUBRECORDS.flatMap((s) => STAMP.map((f) => `${s}.${f}`)) : [])];
  const rows = await rpc.model(
    model,
    'search_read',
    [[['id', 'in', [...new Set(ids)]]], 0, null, null, fields],
    versionRowsSchema,
    { readOnly: true, context: { active_test: false } },
  );
  for (const row of rows) {
    let version = modifiedAt(row);
    const timestamps: Record<string, string> = {};
    if (row._timestamp !== null) timestamps[`${model},${row.id}`] = row._timestamp;
    if (model === PARTY) {
      for (const sub of SUBRECORDS) {
        const children: readonly Stamped[] = row[`${sub}.`];
        for (const child of children) {
          const at = modifiedAt(child);
          if (at > version) version = at;
          if (child._timestamp !== null) timestamps[`${SUBMODELS[sub]},${child.id}`] = child._timestamp;
        }
      }
    }
    out.set(row.id, { version, timestamps });
  }
  return out;
}

/**
 * True when `current` is a later version than `planned`. Both are Tryton's ISO texts of one width
 * (microseconds), which sort as times; texts of other widths compare as instants.
 */
export function isNewer(current: string, planned: string): boolean {
  if (current.length === planned.length) return current > planned;
  return Date.parse(current) > Date.parse(planned);
}

/**
 * The lookup with each live party dated by {@link readVersions}: the counterpart the merge weighs
 * and the version a write is planned on then include an edit of its email or address. Tombstones
 * keep their own time (the delete handling remembers it).
 */
export function withPartyVersions(rpc: TrytonRpc, lookup: RecordLookup): RecordLookup {
  return {
    async findBy(object, field, values, fields, options): Promise<SourceRecord[]> {
      const found = await lookup.findBy(object, field, values, fields, options);
      const live = found.filter((r) => !r.deleted).map((r) => Number(r.id));
      if (object !== PARTY || live.length === 0) return found;
      const versions = await readVersions(rpc, object, live);
      return found.map((r) => {
        const version = r.deleted ? undefined : versions.get(Number(r.id))?.version;
        return version === undefined || !isNewer(version, r.modifiedAt)
          ? r
          : Object.freeze({ ...r, modifiedAt: version });
      });
    },
  };
}
