/**
 * The reconcile stage: finds, for each mapped record, the ERP record it must write to. A link
 * answers at once. Without one, the ERP is searched by the reference field (a record we
 * created before, whose confirmation a crash lost), then by the mapping's match keys (first
 * contact). One candidate links; several are reported as ambiguous and nothing is written;
 * none means create.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { AmbiguousMatch, LinkRow } from '../../state/index.js';
import type { RunContext } from './context.js';
import type { MappedRecord } from './map.js';

export interface Resolved {
  readonly mapped: MappedRecord;
  readonly link: LinkRow | undefined;
  /** The ERP id to write to, or null to create. */
  readonly targetId: string | null;
}

export interface ReconciledPage {
  readonly resolved: Resolved[];
  readonly ambiguous: AmbiguousMatch[];
}

export async function reconcilePage(ctx: RunContext, mapped: readonly MappedRecord[]): Promise<ReconciledPage> {
  const { sync, store } = ctx;
  const links = await store.links(
    sync.name,
    mapped.map((m) => m.record.id),
  );
  const targets = new Map<string, string>();
  const ambiguous: AmbiguousMatch[] = [];
  let open = mapped.filter((m) => !links.has(m.record.id));

  // An ERP record already linked to another CRM record, or claimed earlier in this page, is not a candidate.
  const claimed = new Set<string>();
  const unclaimed = async (records: readonly SourceRecord[]): Promise<SourceRecord[]> => {
    const linked = await store.linkedErpIds(
      sync.name,
      records.map((r) => r.id),
    );
    return records.filter((r) => !claimed.has(r.id) && !linked.has(r.id));
  };

  if (open.length > 0) {
    const byRef = await sync.erp.lookup.findBy(
      sync.mapping.erpObject,
      sync.mapping.reference.field,
      open.map((m) => m.ref),
    );
    const refIndex = groupBy(byRef, (r) => String(r.fields[sync.mapping.reference.field] ?? ''));
    for (const m of open) {
      const found = refIndex.get(m.ref);
      if (found !== undefined && found.length > 0) {
        const pick = found[0];
        if (pick !== undefined) {
          targets.set(m.record.id, pick.id);
          claimed.add(pick.id);
        }
      }
    }
    open = open.filter((m) => !targets.has(m.record.id));
  }

  for (const key of sync.mapping.matchKeys) {
    if (open.length === 0) break;
    const values = new Map<string, MappedRecord[]>();
    for (const m of open) {
      const value = key.normalize(m.record.fields[key.crm]);
      if (value !== null) values.set(value, [...(values.get(value) ?? []), m]);
    }
    if (values.size === 0) continue;
    const found = await sync.erp.lookup.findBy(sync.mapping.erpObject, key.erp, [...values.keys()]);
    const candidates = await unclaimed(found);
    const index = groupBy(candidates, (r) => key.normalize(r.fields[key.erp]) ?? '');
    const decided = new Set<string>();
    for (const [value, records] of values) {
      const matches = index.get(value) ?? [];
      if (matches.length === 0) continue;
      for (const m of records) decided.add(m.record.id);
      if (matches.length === 1 && records.length === 1 && records[0] !== undefined && matches[0] !== undefined) {
        targets.set(records[0].record.id, matches[0].id);
        claimed.add(matches[0].id);
      } else {
        for (const m of records) {
          ambiguous.push({
            sync: sync.name,
            side: 'erp',
            recordId: m.record.id,
            matchKey: `${key.crm}=${value}`,
            candidates: matches.map((r) => r.id),
          });
        }
      }
    }
    open = open.filter((m) => !decided.has(m.record.id));
  }

  const ambiguousIds = new Set(ambiguous.map((a) => a.recordId));
  const resolved: Resolved[] = [];
  for (const m of mapped) {
    if (ambiguousIds.has(m.record.id)) continue;
    const link = links.get(m.record.id);
    resolved.push({ mapped: m, link, targetId: link?.erp_id ?? targets.get(m.record.id) ?? null });
  }
  return { resolved, ambiguous };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}
