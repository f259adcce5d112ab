/**
 * Finds each record's counterpart on the other side. A link answers at once (the counterpart is
 * read by id). Without one: the record's own reference names it (`tandem_ref = ODOO-42`), else
 * the other side is searched by the reference (a record we created before, whose confirmation a
 * crash lost), then by the mapping's match keys (first contact), compared as each key normalises. One
 * candidate pairs; several are reported as ambiguous and nothing is written; none means create.
 * A candidate already linked to another record, or outside the other side's filter, is no candidate.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { AmbiguousMatch, LinkRow } from '../../state/index.js';
import type { Side } from '../mapping/resolver.js';
import type { RunContext } from './context.js';
import { connectorOf, fieldsOf, objectOf, other, referenceFor } from './sides.js';

export interface Counterpart {
  readonly record: SourceRecord;
  readonly link: LinkRow | undefined;
  /** The other side's record: linked, or matched; undefined to create (or when it is gone). */
  readonly other: SourceRecord | undefined;
}

export interface CounterpartPage {
  readonly pairs: Counterpart[];
  readonly ambiguous: AmbiguousMatch[];
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

  if (open.length > 0) {
    const refs = new Map(open.map((r) => [r.id, referenceFor(sync, them, r)]));
    const first = [...refs.values()].find((ref) => ref !== undefined);
    if (first !== undefined) {
      const values = [...refs.values()].flatMap((ref) => (ref === undefined ? [] : [ref.value]));
      const found = groupBy(
        await eligible(await connector.lookup.findBy(object, first.field, values, fields), true),
        (r) => String(r.fields[first.field] ?? ''),
      );
      for (const record of open) {
        const hit = found.get(refs.get(record.id)?.value ?? '')?.[0];
        if (hit !== undefined && !claimed.has(hit.id)) pair(record, hit);
      }
      open = open.filter((r) => !matched.has(r.id));
    }
  }

  for (const key of sync.mapping.matchKeys) {
    if (open.length === 0) break;
    const mine = side === 'crm' ? key.crm : key.erp;
    const theirs = side === 'crm' ? key.erp : key.crm;
    const byValue = groupBy(open, (r) => key.normalize(r.fields[mine]));
    if (byValue.size === 0) continue;
    // The query compares as the key does where the vendor can (`=ilike`, `ilike`, loose white
    // space); otherwise exactly, so it asks for the values as written and as normalised. Either
    // way the candidates are then kept by their normalised key.
    const asWritten = open.flatMap((r) => (typeof r.fields[mine] === 'string' ? [String(r.fields[mine]).trim()] : []));
    const values = [...new Set([...byValue.keys(), ...asWritten])].filter((v) => v !== '');
    const found = groupBy(
      await eligible(await connector.lookup.findBy(object, theirs, values, fields, key.lookup), false),
      (r) => key.normalize(r.fields[theirs]),
    );
    const decided = new Set<string>();
    for (const [value, mineRecords] of byValue) {
      const candidates = found.get(value) ?? [];
      if (candidates.length === 0) continue;
      for (const r of mineRecords) decided.add(r.id);
      const [only] = candidates;
      if (candidates.length === 1 && mineRecords.length === 1 && only !== undefined && mineRecords[0] !== undefined) {
        pair(mineRecords[0], only);
      } else {
        for (const r of mineRecords) {
          ambiguous.push({
            sync: sync.name,
            side: them,
            recordId: r.id,
            matchKey: `${mine}=${value}`,
            candidates: candidates.map((c) => c.id),
          });
        }
      }
    }
    open = open.filter((r) => !decided.has(r.id));
  }

  const skip = new Set(ambiguous.map((a) => a.recordId));
  const pairs: Counterpart[] = [];
  for (const record of records) {
    if (skip.has(record.id)) continue;
    const link = links.get(record.id);
    const counterpart =
      link === undefined ? matched.get(record.id) : linked.get(them === 'erp' ? link.erp_id : link.crm_id);
    pairs.push({ record, link, other: counterpart });
  }
  return { pairs, ambiguous };
}
