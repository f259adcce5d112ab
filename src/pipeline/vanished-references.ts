/**
 * A reference emptied on one side because the record it named vanished there is nobody's edit:
 * Odoo's `parent_id` is `ondelete='set null'`, so deleting a company partner empties its contacts'
 * `parent_id` at the database level; HubSpot drops a deleted company's associations. Merged as an
 * edit, the empty value would silently clear the association on the other side too. Such a field
 * becomes a conflict for a person instead (and is held back from the merge until resolved).
 */
import type { NewConflict } from '../../state/index.js';
import type { Side } from '../mapping/resolver.js';
import type { CanonicalResult, CanonicalValues } from '../mapping/types.js';
import { sameValue, type Value } from '../mapping/values.js';
import type { RunContext } from './context.js';
import type { Counterpart } from './counterparts.js';
import { connectorOf, pairIds } from './sides.js';

type Mapped = { mine: CanonicalResult; theirs: CanonicalResult | undefined } | undefined;

interface Candidate {
  readonly crmId: string;
  readonly erpId: string;
  readonly field: string;
  readonly refSync: string;
  /** The side whose value went empty. */
  readonly emptied: Side;
  /** The referenced ERP id both sides last agreed on (the canonical value of a reference). */
  readonly was: string;
  readonly crm: Value;
  readonly erp: Value;
}

/**
 * Conflicts for the reference fields of a page's linked pairs that one side emptied while the
 * record they named vanished from that side (deleted outright, or archived); `blocked` fields
 * (an open conflict already) are left out. Costs one lookup per referenced sync and side, and only
 * when a page holds such an emptied reference.
 */
export async function vanishedReferences(
  ctx: RunContext,
  side: Side,
  pairs: readonly Counterpart[],
  mapped: readonly Mapped[],
  blocked: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<NewConflict[]> {
  const { sync, store } = ctx;
  const candidates: Candidate[] = [];
  pairs.forEach((pair, i) => {
    const m = mapped[i];
    if (pair.link === undefined || pair.other === undefined || m === undefined || !m.mine.ok || !m.theirs?.ok) return;
    const base = JSON.parse(pair.link.base) as CanonicalValues;
    const [crmId, erpId] = pairIds(side, pair.record.id, pair.other.id);
    const values =
      side === 'crm' ? { crm: m.mine.values, erp: m.theirs.values } : { crm: m.theirs.values, erp: m.mine.values };
    for (const field of sync.mapping.fields) {
      const was = base[field.name];
      if (field.reference === undefined || was === undefined || was === null || Array.isArray(was)) continue;
      if (blocked.get(crmId)?.has(field.name) === true) continue;
      const crm = values.crm[field.name] ?? null;
      const erp = values.erp[field.name] ?? null;
      for (const emptied of ['crm', 'erp'] as const) {
        const kept = emptied === 'crm' ? erp : crm;
        if ((emptied === 'crm' ? crm : erp) === null && sameValue(kept, was))
          candidates.push({
            crmId,
            erpId,
            field: field.name,
            refSync: field.reference,
            emptied,
            was: String(was),
            crm,
            erp,
          });
      }
    }
  });
  if (candidates.length === 0) return [];

  const gone = new Set<string>();
  for (const refSync of new Set(candidates.map((c) => c.refSync))) {
    const objects = sync.referenced?.[refSync];
    if (objects === undefined) continue;
    for (const emptied of ['crm', 'erp'] as const) {
      const mine = candidates.filter((c) => c.refSync === refSync && c.emptied === emptied);
      if (mine.length === 0) continue;
      const erpIds = [...new Set(mine.map((c) => c.was))];
      // The id on the emptied side of the record the reference named: the ERP id itself, or its CRM link.
      const ids = emptied === 'erp' ? new Map(erpIds.map((id) => [id, id])) : await store.linkedErpIds(refSync, erpIds);
      const connector = connectorOf(sync, emptied);
      const found = await connector.lookup.findBy(objects[emptied], connector.capabilities.idField, [
        ...new Set(ids.values()),
      ]);
      const alive = new Set(found.filter((r) => !r.deleted).map((r) => r.id));
      for (const id of erpIds) {
        const target = ids.get(id);
        if (target === undefined || !alive.has(target)) gone.add(`${refSync}:${emptied}:${id}`);
      }
    }
  }
  return candidates
    .filter((c) => gone.has(`${c.refSync}:${c.emptied}:${c.was}`))
    .map((c) => ({
      sync: sync.name,
      crmId: c.crmId,
      erpId: c.erpId,
      field: c.field,
      kind: 'field',
      crmValue: c.crm,
      erpValue: c.erp,
      baseValue: c.was,
    }));
}
