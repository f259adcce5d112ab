/**
 * Finds each record's counterpart on the other side. A link answers at once (the counterpart is
 * read by id). Without one: the record's own reference names it (`tandem_ref = ODOO-42`), else
 * the other side is searched by the reference (a record we created before, whose confirmation a
 * crash lost), then by the mapping's match keys (first contact), compared as each key normalises. One
 * candidate pairs; several are reported as ambiguous and nothing is written; none means create
 * (match-keys.ts says exactly when keys pair, report or create). A candidate outside the other
 * side's filter is no candidate.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { AmbiguousMatch, LinkRow } from '../../state/index.js';
import type { Side } from '../mapping/resolver.js';
import type { MatchKey } from '../mapping/types.js';
import type { RunContext } from './context.js';
import { type Candidates, matchByKeys, queryValues } from './match-keys.js';
import { connectorOf, fieldsOf, objectOf, other, referenceFor } from './sides.js';
import type { RuntimeConnector } from '../runtime/instrument.js';

export interface Counterpart {
  readonly record: SourceRecord;
  readonly link: LinkRow | undefined;
  /** The other side's record: linked, or matched; undefined to create (or when it is gone). */
  readonly other: SourceRecord | undefined;
  /** Matched through a value that is not the first of its field (a second email): see match-keys.ts. */
  readonly secondary?: MatchKey;
}

export interface CounterpartPage {
  readonly pairs: Counterpart[];
  readonly ambiguous: AmbiguousMatch[];
  /** Reference values looked up on the other side that no record there holds, archived or not. */
  readonly absentRefs: ReadonlySet<string>;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

/** What the matching steps of one page share: the other side, and the pairs made so far. */
interface Matching {
  readonly ctx: RunContext;
  readonly side: Side;
  readonly them: Side;
  readonly connector: RuntimeConnector;
  readonly object: string;
  readonly fields: readonly string[];
  readonly matched: Map<string, SourceRecord>;
  /** Records of the other side paired in this page: a second record cannot have them. */
  readonly claimed: Set<string>;
}

export async function findCounterparts(
  ctx: RunContext,
  side: Side,
  records: readonly SourceRecord[],
): Promise<CounterpartPage> {
  const { sync, store } = ctx;
  const them = other(side);
  const m: Matching = {
    ctx,
    side,
    them,
    connector: connectorOf(sync, them),
    object: objectOf(sync, them),
    fields: fieldsOf(sync, them),
    matched: new Map(),
    claimed: new Set(),
  };
  const links = await store.linksBySide(
    sync.name,
    side,
    records.map((r) => r.id),
  );
  const linkedIds = [...links.values()].map((l) => (them === 'erp' ? l.erp_id : l.crm_id));
  const linked = new Map(
    (await m.connector.lookup.findBy(m.object, m.connector.capabilities.idField, linkedIds, m.fields)).map((r) => [
      r.id,
      r,
    ]),
  );

  let open = records.filter((r) => !links.has(r.id) && !r.deleted);
  open = await matchByOwnReference(m, open);
  const together = await askTogether(m, open);
  const absentRefs = new Set<string>();
  open = await matchByReference(m, open, absentRefs, together?.holders);
  const byKeys = await matchByMatchKeys(m, open, together?.byKey);

  const skip = new Set(byKeys.ambiguous.map((a) => a.recordId));
  const pairs: Counterpart[] = [];
  for (const record of records) {
    if (skip.has(record.id)) continue;
    const link = links.get(record.id);
    const counterpart =
      link === undefined ? m.matched.get(record.id) : linked.get(them === 'erp' ? link.erp_id : link.crm_id);
    const via = link === undefined ? byKeys.secondary.get(record.id) : undefined;
    pairs.push({ record, link, other: counterpart, ...(via === undefined ? {} : { secondary: via }) });
  }
  return { pairs, ambiguous: byKeys.ambiguous, absentRefs };
}

/** A record of the other side that may be paired: not linked, not claimed, in its side's filter; archived only when `archivedToo`. */
async function eligible(m: Matching, found: readonly SourceRecord[], archivedToo: boolean): Promise<SourceRecord[]> {
  const { ctx, them, claimed } = m;
  const taken = await ctx.store.linksBySide(
    ctx.sync.name,
    them,
    found.map((r) => r.id),
  );
  return found.filter(
    (r) => (archivedToo || !r.deleted) && !claimed.has(r.id) && !taken.has(r.id) && inFilter(ctx, them, r),
  );
}

/** Filters do not depend on references, so no resolver is needed to ask. */
function inFilter(ctx: RunContext, side: Side, record: SourceRecord): boolean {
  const result = ctx.sync.mapping.canonical(side, record);
  return result.ok || result.code !== 'FILTERED';
}

function pair(m: Matching, record: SourceRecord, hit: SourceRecord): void {
  m.matched.set(record.id, hit);
  m.claimed.add(hit.id);
}

/**
 * A record's own reference names its counterpart outright (a contact created from partner 42
 * carries `tandem_ref = ODOO-42`): tried first, so a lost link is never re-made by a key. The
 * records still open after it.
 */
async function matchByOwnReference(m: Matching, open: SourceRecord[]): Promise<SourceRecord[]> {
  const { sync } = m.ctx;
  const own = m.side === 'crm' ? sync.mapping.crmReference : sync.mapping.reference;
  const named = new Map(
    open.flatMap((r) => {
      const id = own?.idOf?.(r.fields[own.field]);
      return id === undefined ? [] : [[r.id, id] as const];
    }),
  );
  if (named.size === 0) return open;
  const idField = m.connector.capabilities.idField;
  const found = await eligible(
    m,
    await m.connector.lookup.findBy(m.object, idField, [...new Set(named.values())], m.fields),
    true,
  );
  const byId = new Map(found.map((r) => [r.id, r]));
  for (const record of open) {
    const hit = byId.get(named.get(record.id) ?? '');
    if (hit !== undefined && !m.claimed.has(hit.id)) pair(m, record, hit);
  }
  return open.filter((r) => !m.matched.has(r.id));
}

/**
 * The other side searched by the reference this record would give its counterpart (one we
 * created before, whose confirmation a crash lost). Reference values no record there holds at
 * all go to `absent`. `asked`: the holders, when {@link askTogether} looked them up already. The
 * records still open after it.
 */
async function matchByReference(
  m: Matching,
  open: SourceRecord[],
  absent: Set<string>,
  asked: readonly SourceRecord[] | undefined,
): Promise<SourceRecord[]> {
  if (open.length === 0) return open;
  const refs = new Map(open.map((r) => [r.id, referenceFor(m.ctx.sync, m.them, r)]));
  const first = [...refs.values()].find((ref) => ref !== undefined);
  if (first === undefined) return open;
  const values = [...refs.values()].flatMap((ref) => (ref === undefined ? [] : [ref.value]));
  const holders = asked ?? (await m.connector.lookup.findBy(m.object, first.field, values, m.fields));
  // Held by nobody at all (not only by no eligible record): the writer need not ask again.
  const held = new Set(holders.map((r) => String(r.fields[first.field] ?? '')));
  for (const value of values) if (!held.has(value)) absent.add(value);
  const found = groupBy(await eligible(m, holders, true), (r) => String(r.fields[first.field] ?? ''));
  for (const record of open) {
    const hit = found.get(refs.get(record.id)?.value ?? '')?.[0];
    if (hit !== undefined && !m.claimed.has(hit.id)) pair(m, record, hit);
  }
  return open.filter((r) => !m.matched.has(r.id));
}

/** First contact by the mapping's match keys (match-keys.ts); pairs go into `m.matched`. */
async function matchByMatchKeys(
  m: Matching,
  open: readonly SourceRecord[],
  asked: ReadonlyMap<MatchKey, readonly SourceRecord[]> | undefined,
): Promise<{ readonly ambiguous: AmbiguousMatch[]; readonly secondary: Map<string, MatchKey> }> {
  const { ctx, side, them, claimed } = m;
  // Candidates by key: taken ones (linked to another record) decide ambiguity, never pair.
  const sort = async (found: readonly SourceRecord[]): Promise<Candidates> => {
    const owned = await ctx.store.linksBySide(
      ctx.sync.name,
      them,
      found.map((r) => r.id),
    );
    const alive = found.filter((r) => !r.deleted && inFilter(ctx, them, r));
    return {
      free: alive.filter((r) => !claimed.has(r.id) && !owned.has(r.id)),
      taken: alive.filter((r) => claimed.has(r.id) || owned.has(r.id)),
    };
  };
  // A record its own side's filter leaves out is never planned: it must not make others ambiguous.
  const takingPart = open.filter((r) => inFilter(ctx, side, r));
  const byKeys = await matchByKeys(ctx, side, takingPart, sort, claimed, asked);
  const secondary = new Map<string, MatchKey>();
  for (const match of byKeys.matches) {
    m.matched.set(match.record.id, match.hit);
    if (match.secondary !== undefined) secondary.set(match.record.id, match.secondary);
  }
  return { ambiguous: [...byKeys.ambiguous], secondary };
}

/**
 * The reference and the first match key asked in one request, where the other side's lookup ORs
 * fields (`RecordLookup.findByAny`, Odoo: one `search_read` instead of two per page). The key is
 * asked for every open record in its side's filter, also those a reference pairs next: a superset
 * the key step narrows by normalised value, so what pairs, what is ambiguous and what is created
 * stay as with two lookups. `holders`: the records holding one of the references, as `findBy` by
 * reference finds them (Odoo's `in` compares exactly, as the split here does). Undefined when the
 * lookup cannot, or either side of it has nothing to ask: the steps then ask on their own.
 */
async function askTogether(
  m: Matching,
  open: readonly SourceRecord[],
): Promise<{ holders: SourceRecord[]; byKey: ReadonlyMap<MatchKey, readonly SourceRecord[]> } | undefined> {
  const { ctx, side, them, connector } = m;
  const [key] = ctx.sync.mapping.matchKeys;
  if (connector.lookup.findByAny === undefined || key === undefined) return undefined;
  const refs = open.flatMap((r) => {
    const ref = referenceFor(ctx.sync, them, r);
    return ref === undefined ? [] : [ref];
  });
  const [first] = refs;
  const mine = side === 'crm' ? key.crm : key.erp;
  const keyValues = queryValues(
    key,
    open.filter((r) => inFilter(ctx, side, r)),
    mine,
  );
  if (first === undefined || keyValues.length === 0) return undefined;
  const values = new Set(refs.map((ref) => ref.value));
  const found = await connector.lookup.findByAny(
    m.object,
    [
      { field: first.field, values: [...values] },
      { field: side === 'crm' ? key.erp : key.crm, values: keyValues, options: key.lookup },
    ],
    m.fields,
  );
  const holders = found.filter((r) => values.has(String(r.fields[first.field] ?? '')));
  return { holders, byKey: new Map([[key, found]]) };
}
