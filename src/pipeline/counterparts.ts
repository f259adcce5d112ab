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
import { type Candidates, matchByKeys } from './match-keys.js';
import { connectorOf, fieldsOf, objectOf, other, referenceFor } from './sides.js';

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

export async function findCounterparts(
  ctx: RunContext,
  side: Side,
  records: readonly SourceRecord[],
): Promise<CounterpartPage> {
  const { sync, store } = ctx;
  const them = other(side);
  const connector = connectorOf(sync, them);
  const object = objectOf(sync, them);
  const fields = fieldsOf(sync, them);
  const links = await store.linksBySide(
    sync.name,
    side,
    records.map((r) => r.id),
  );

  const linkedIds = [...links.values()].map((l) => (them === 'erp' ? l.erp_id : l.crm_id));
  const linked = new Map(
    (await connector.lookup.findBy(object, connector.capabilities.idField, linkedIds, fields)).map((r) => [r.id, r]),
  );

  const matched = new Map<string, SourceRecord>();
  const secondary = new Map<string, MatchKey>();
  const ambiguous: AmbiguousMatch[] = [];
  const claimed = new Set<string>();
  // Filters do not depend on references, so no resolver is needed to ask.
  const inFilter = (r: SourceRecord): boolean => {
    const result = sync.mapping.canonical(them, r);
    return result.ok || result.code !== 'FILTERED';
  };
  // An archived record is matched by nobody: it is a tombstone, not a person to pair with.
  const eligible = async (found: readonly SourceRecord[], archivedToo: boolean): Promise<SourceRecord[]> => {
    const taken = await store.linksBySide(
      sync.name,
      them,
      found.map((r) => r.id),
    );
    return found.filter((r) => (archivedToo || !r.deleted) && !claimed.has(r.id) && !taken.has(r.id) && inFilter(r));
  };
  let open = records.filter((r) => !links.has(r.id) && !r.deleted);
  const pair = (record: SourceRecord, hit: SourceRecord): void => {
    matched.set(record.id, hit);
    claimed.add(hit.id);
  };

  // A record's own reference names its counterpart outright (a contact created from partner 42
  // carries `tandem_ref = ODOO-42`): tried first, so a lost link is never re-made by a key.
  const own = side === 'crm' ? sync.mapping.crmReference : sync.mapping.reference;
  const named = new Map(
    open.flatMap((r) => {
      const id = own?.idOf?.(r.fields[own.field]);
      return id === undefined ? [] : [[r.id, id] as const];
    }),
  );
  if (named.size > 0) {
    const idField = connector.capabilities.idField;
    const found = await eligible(
      await connector.lookup.findBy(object, idField, [...new Set(named.values())], fields),
      true,
    );
    const byId = new Map(found.map((r) => [r.id, r]));
    for (const record of open) {
      const hit = byId.get(named.get(record.id) ?? '');
      if (hit !== undefined && !claimed.has(hit.id)) pair(record, hit);
    }
    open = open.filter((r) => !matched.has(r.id));
  }

  const absentRefs = new Set<string>();
  if (open.length > 0) {
    const refs = new Map(open.map((r) => [r.id, referenceFor(sync, them, r)]));
    const first = [...refs.values()].find((ref) => ref !== undefined);
    if (first !== undefined) {
      const values = [...refs.values()].flatMap((ref) => (ref === undefined ? [] : [ref.value]));
      const holders = await connector.lookup.findBy(object, first.field, values, fields);
      // Held by nobody at all (not only by no eligible record): the writer need not ask again.
      const held = new Set(holders.map((r) => String(r.fields[first.field] ?? '')));
      for (const value of values) if (!held.has(value)) absentRefs.add(value);
      const found = groupBy(await eligible(holders, true), (r) => String(r.fields[first.field] ?? ''));
      for (const record of open) {
        const hit = found.get(refs.get(record.id)?.value ?? '')?.[0];
        if (hit !== undefined && !claimed.has(hit.id)) pair(record, hit);
      }
      open = open.filter((r) => !matched.has(r.id));
    }
  }

  // Candidates by key: taken ones (linked to another record) decide ambiguity, never pair.
  const sort = async (found: readonly SourceRecord[]): Promise<Candidates> => {
    const owned = await store.linksBySide(
      sync.name,
      them,
      found.map((r) => r.id),
    );
    const alive = found.filter((r) => !r.deleted && inFilter(r));
    return {
      free: alive.filter((r) => !claimed.has(r.id) && !owned.has(r.id)),
      taken: alive.filter((r) => claimed.has(r.id) || owned.has(r.id)),
    };
  };
  // A record its own side's filter leaves out is never planned: it must not make others ambiguous.
  const takingPart = open.filter((r) => {
    const result = sync.mapping.canonical(side, r);
    return result.ok || result.code !== 'FILTERED';
  });
  const byKeys = await matchByKeys(ctx, side, takingPart, sort, claimed);
  for (const m of byKeys.matches) {
    matched.set(m.record.id, m.hit);
    if (m.secondary !== undefined) secondary.set(m.record.id, m.secondary);
  }
  ambiguous.push(...byKeys.ambiguous);

  const skip = new Set(ambiguous.map((a) => a.recordId));
  const pairs: Counterpart[] = [];
  for (const record of records) {
    if (skip.has(record.id)) continue;
    const link = links.get(record.id);
    const counterpart =
      link === undefined ? matched.get(record.id) : linked.get(them === 'erp' ? link.erp_id : link.crm_id);
    const via = link === undefined ? secondary.get(record.id) : undefined;
    pairs.push({ record, link, other: counterpart, ...(via === undefined ? {} : { secondary: via }) });
  }
  return { pairs, ambiguous, absentRefs };
}
