/**
 * First contact by the mapping's match keys, key by key in order, for the records that neither a
 * link nor a reference paired. The other side is asked the way each key compares (without case,
 * with loose white space: `MatchKey.lookup`), then every candidate is kept or dropped by its
 * normalised key, against each of a record's values (a Tryton party's second email included).
 *
 * For one record:
 * - exactly one free candidate, and no other record of its side wanting it or sharing its value:
 *   paired. Paired through a value that is not the first of its field on either side (a party's
 *   second email) is a secondary match: the engine pairs them but holds the field as a conflict.
 * - several candidates, another record of its side sharing the value (in this page), or only
 *   candidates already linked to other records: ambiguous, reported, nothing written.
 * - no candidate by any key, while another unlinked record of its own side has the same key
 *   value (two parties sharing an email that the CRM has never seen): ambiguous as well, since
 *   creating both would make a duplicate the other side refuses ("Contact already exists").
 * - otherwise: left for the next key, and at the end created on the other side.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { AmbiguousMatch } from '../../state/index.js';
import type { Side } from '../mapping/resolver.js';
import type { MappedField, MatchKey } from '../mapping/types.js';
import { sameValue, type Value } from '../mapping/values.js';
import type { RunContext } from './context.js';
import { connectorOf, fieldsOf, objectOf, other } from './sides.js';

/** Candidates found on the other side, sorted by what the engine may do with them. */
export interface Candidates {
  /** Alive, in the filter, not linked and not claimed in this page. */
  readonly free: readonly SourceRecord[];
  /** Alive and in the filter, but linked to another record (or claimed in this page) already. */
  readonly taken: readonly SourceRecord[];
}

export interface KeyMatch {
  readonly record: SourceRecord;
  readonly hit: SourceRecord;
  /** Set when the pair met through a value that is not the first of its field on one side. */
  readonly secondary: MatchKey | undefined;
}

/** A record's normalised values for a key field: the value `fields` shows, then its alternates. */
function keyValues(key: MatchKey, record: SourceRecord, field: string): string[] {
  const raw = [record.fields[field], ...(record.alternates?.[field] ?? [])];
  return [...new Set(raw.map((v) => key.normalize(v)).filter((v): v is string => v !== null))];
}

/** The values to send the vendor: normalised and as written (a vendor that compares exactly). */
export function queryValues(key: MatchKey, records: readonly SourceRecord[], field: string): string[] {
  const out = new Set<string>();
  for (const r of records) {
    for (const v of keyValues(key, r, field)) out.add(v);
    for (const v of [r.fields[field], ...(r.alternates?.[field] ?? [])]) if (typeof v === 'string') out.add(v.trim());
  }
  out.delete('');
  return [...out];
}

function index(key: MatchKey, records: readonly SourceRecord[], field: string): Map<string, SourceRecord[]> {
  const out = new Map<string, SourceRecord[]>();
  for (const r of records) for (const v of keyValues(key, r, field)) out.set(v, [...(out.get(v) ?? []), r]);
  return out;
}

const unique = (records: readonly SourceRecord[]): SourceRecord[] => [
  ...new Map(records.map((r) => [r.id, r])).values(),
];

/**
 * Pairs `open` records of `side` by the match keys. `sort` classifies what a lookup found;
 * `claimed` holds the other side's ids paired in this page already (and receives the new ones).
 * `asked`: a key's candidates looked up already (with the references, counterparts.ts), for at
 * least every value of `records` (more is fine: candidates are kept by normalised value).
 */
export async function matchByKeys(
  ctx: RunContext,
  side: Side,
  records: readonly SourceRecord[],
  sort: (found: readonly SourceRecord[]) => Promise<Candidates>,
  claimed: Set<string>,
  asked: ReadonlyMap<MatchKey, readonly SourceRecord[]> = new Map(),
): Promise<{ matches: KeyMatch[]; ambiguous: AmbiguousMatch[] }> {
  const { sync } = ctx;
  const them = other(side);
  const matches: KeyMatch[] = [];
  const ambiguous: AmbiguousMatch[] = [];
  const twins = new Map<string, { key: string; ids: string[] }>();
  let open = [...records];

  for (const key of sync.mapping.matchKeys) {
    if (open.length === 0) break;
    const [mine, theirs] = side === 'crm' ? [key.crm, key.erp] : [key.erp, key.crm];
    const mineValues = new Map(open.map((r) => [r.id, keyValues(key, r, mine)]));
    const keyed = open.filter((r) => (mineValues.get(r.id) ?? []).length > 0);
    if (keyed.length === 0) continue;
    const byValue = index(key, keyed, mine);
    const connector = connectorOf(sync, them);
    const found = await sort(
      asked.get(key) ??
        (await connector.lookup.findBy(
          objectOf(sync, them),
          theirs,
          queryValues(key, keyed, mine),
          fieldsOf(sync, them),
          key.lookup,
        )),
    );
    const free = index(key, found.free, theirs);
    const taken = index(key, found.taken, theirs);
    const gather = (values: readonly string[], from: Map<string, SourceRecord[]>): SourceRecord[] =>
      unique(values.flatMap((v) => from.get(v) ?? []));

    // Who wants which candidate: two records of this side wanting one candidate are ambiguous.
    const wanted = new Map<string, number>();
    for (const r of keyed)
      for (const c of gather(mineValues.get(r.id) ?? [], free)) wanted.set(c.id, (wanted.get(c.id) ?? 0) + 1);

    const decided = new Set<string>();
    const lonely: SourceRecord[] = [];
    for (const record of keyed) {
      const values = mineValues.get(record.id) ?? [];
      const candidates = gather(values, free);
      const linked = gather(values, taken);
      const peers = gather(values, byValue).filter((r) => r.id !== record.id);
      const [only] = candidates;
      if (candidates.length === 0 && linked.length === 0) {
        if (peers.length > 0) twins.set(record.id, { key: `${mine}=${values[0] ?? ''}`, ids: peers.map((p) => p.id) });
        else lonely.push(record);
        continue;
      }
      decided.add(record.id);
      if (only !== undefined && candidates.length === 1 && peers.length === 0 && wanted.get(only.id) === 1) {
        const primary = key.normalize(record.fields[mine]) === key.normalize(only.fields[theirs]);
        matches.push({ record, hit: only, secondary: primary ? undefined : key });
        claimed.add(only.id);
      } else {
        ambiguous.push({
          sync: sync.name,
          side: them,
          recordId: record.id,
          matchKey: `${mine}=${values[0] ?? ''}`,
          candidates: [...candidates, ...linked].map((c) => c.id),
        });
      }
    }
    for (const [id, twin] of await sameSideTwins(ctx, side, key, lonely)) twins.set(id, twin);
    open = open.filter((r) => !decided.has(r.id));
  }

  // No key found a counterpart, but a record of this side shares the key value: both wait for a person.
  for (const record of open) {
    const twin = twins.get(record.id);
    if (twin === undefined) continue;
    ambiguous.push({
      sync: sync.name,
      side: them,
      recordId: record.id,
      matchKey: `${twin.key} (${side} ${[record.id, ...twin.ids].join(', ')} share it; none on the ${them} side)`,
      candidates: [],
    });
  }
  return { matches, ambiguous };
}

/**
 * True when `side`'s vendor keeps the key's field unique as the key compares it (a case-only key on
 * `Capabilities.uniqueFields`, HubSpot contacts' email): no other record there can share a value,
 * so there are no twins to look for (one lookup, two HubSpot requests, fewer per page).
 */
function uniqueOnSide(ctx: RunContext, side: Side, key: MatchKey): boolean {
  const field = side === 'crm' ? key.crm : key.erp;
  const unique = connectorOf(ctx.sync, side).capabilities.uniqueFields[objectOf(ctx.sync, side)] ?? [];
  return key.caseOnly && unique.includes(field);
}

/**
 * Records of `side` (unlinked, alive, in the filter) sharing a key value with one of `records`;
 * none asked for where the vendor keeps the value unique.
 */
async function sameSideTwins(
  ctx: RunContext,
  side: Side,
  key: MatchKey,
  records: readonly SourceRecord[],
): Promise<Map<string, { key: string; ids: string[] }>> {
  const out = new Map<string, { key: string; ids: string[] }>();
  const { sync, store } = ctx;
  const field = side === 'crm' ? key.crm : key.erp;
  if (records.length === 0 || uniqueOnSide(ctx, side, key)) return out;
  const found = (
    await connectorOf(sync, side).lookup.findBy(
      objectOf(sync, side),
      field,
      queryValues(key, records, field),
      fieldsOf(sync, side),
      key.lookup,
    )
  ).filter((r) => {
    if (r.deleted) return false;
    const result = sync.mapping.canonical(side, r);
    return result.ok || result.code !== 'FILTERED';
  });
  const linked = await store.linksBySide(
    sync.name,
    side,
    found.map((r) => r.id),
  );
  const byValue = index(
    key,
    found.filter((r) => !linked.has(r.id)),
    field,
  );
  for (const record of records) {
    const values = keyValues(key, record, field);
    const ids = unique(values.flatMap((v) => byValue.get(v) ?? []))
      .map((r) => r.id)
      .filter((id) => id !== record.id);
    if (ids.length > 0) out.set(record.id, { key: `${field}=${values[0] ?? ''}`, ids });
  }
  return out;
}

/**
 * The conflicts a secondary match holds: each mapped field that carries the key's field, where the
 * two sides differ (the CRM's email against the party's first one). Neither side is written for
 * it until a person decides; the rest of the pair syncs.
 */
export function secondaryConflicts(
  fields: readonly MappedField[],
  key: MatchKey | undefined,
  crm: Readonly<Record<string, Value>>,
  erp: Readonly<Record<string, Value>>,
): { field: string; crm: Value; erp: Value; base: Value }[] {
  if (key === undefined) return [];
  return fields
    .filter((f) => f.crm.includes(key.crm) || f.erp.includes(key.erp))
    .filter((f) => !sameValue(crm[f.name] ?? null, erp[f.name] ?? null))
    .map((f) => ({ field: f.name, crm: crm[f.name] ?? null, erp: erp[f.name] ?? null, base: null }));
}
