/**
 * Merges: a person merges two records on one side (HubSpot's merge, Odoo's partner merge wizard).
 * The merged-away record vanishes as if deleted outright, so without this a repair would archive a
 * live customer's counterpart. Seen from the vendor's own trace (HubSpot `hs_merged_object_ids` on
 * the survivor, or a GET of the old id answering with it; Odoo's chatter message on the survivor),
 * the link moves to the survivor, and the other side's now-duplicate pair goes to the sync's
 * `merges:` policy: `report` (default) keeps both, marks the duplicate's link `@merged` and opens a
 * `merge` conflict for a person; `merge` merges the duplicate into the survivor's counterpart
 * with that vendor's merge API (and falls back to `report` when it cannot).
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { LinkRow, NewConflict } from '../../state/index.js';
import { describeError } from '../errors.js';
import type { Side } from '../mapping/resolver.js';
import type { CanonicalValues } from '../mapping/types.js';
import type { RunContext } from './context.js';
import { connectorOf, fieldsOf, objectOf, other } from './sides.js';

/** One merge seen on `side`: `losers` went into `survivor`. */
export interface MergeEvent {
  readonly side: Side;
  readonly survivor: string;
  readonly losers: readonly string[];
  /** The survivor as read, when at hand: its values pick which loser's link it takes over. */
  readonly record?: SourceRecord;
}

/** The key in a link's base that marks a pair made a duplicate by a merge: `<side>:<survivor id>`. */
export const MERGED = '@merged';

/** The merge mark of a link's base (`<side>:<survivor id>`), when a merge made its pair a duplicate. */
export const mergeMark = (base: string): string | undefined => {
  const value = (JSON.parse(base) as Record<string, unknown>)[MERGED];
  return typeof value === 'string' ? value : undefined;
};

/** Merges the vendor traces on these records of `side` (their survivors). */
export async function mergesOf(ctx: RunContext, side: Side, records: readonly SourceRecord[]): Promise<MergeEvent[]> {
  const support = connectorOf(ctx.sync, side).merges;
  const live = records.filter((r) => !r.deleted);
  if (support === undefined || live.length === 0) return [];
  const byId = new Map(live.map((r) => [r.id, r]));
  const found = await support.mergedInto(objectOf(ctx.sync, side), live);
  if (found.size === 0) return [];
  // A trace names ids; only those really gone were merged away (a chatter message may name others).
  const connector = connectorOf(ctx.sync, side);
  const named = [...new Set([...found.values()].flat())];
  const present = new Set(
    (await connector.lookup.findBy(objectOf(ctx.sync, side), connector.capabilities.idField, named)).map((r) => r.id),
  );
  return [...found].flatMap(([survivor, ids]) => {
    const losers = ids.filter((id) => !present.has(id));
    const record = byId.get(survivor);
    return losers.length === 0 ? [] : [{ side, survivor, losers, ...(record === undefined ? {} : { record }) }];
  });
}

/** Where these vanished records of `side` went, if the vendor merged them. */
export async function mergesOfVanished(ctx: RunContext, side: Side, ids: readonly string[]): Promise<MergeEvent[]> {
  const support = connectorOf(ctx.sync, side).merges;
  if (support === undefined || ids.length === 0) return [];
  const survivors = await support.survivorsOf(objectOf(ctx.sync, side), ids);
  const bySurvivor = new Map<string, string[]>();
  for (const [loser, survivor] of survivors) bySurvivor.set(survivor, [...(bySurvivor.get(survivor) ?? []), loser]);
  return [...bySurvivor].map(([survivor, losers]) => ({ side, survivor, losers }));
}

const idOn = (side: Side, link: LinkRow): string => (side === 'crm' ? link.crm_id : link.erp_id);

/** The loser link the survivor takes over: the one whose last agreed values it shares most. */
function heir(ctx: RunContext, event: MergeEvent, links: readonly LinkRow[]): LinkRow | undefined {
  const mapped = event.record === undefined ? undefined : ctx.sync.mapping.canonical(event.side, event.record);
  const values: CanonicalValues = mapped?.ok === true ? mapped.values : {};
  const score = (link: LinkRow): number => {
    const base = JSON.parse(link.base) as CanonicalValues;
    return Object.entries(values).filter(([k, v]) => JSON.stringify(base[k] ?? null) === JSON.stringify(v)).length;
  };
  return [...links].sort((a, b) => score(b) - score(a))[0];
}

/**
 * Applies merges: moves links to survivors and sends duplicates to the `merges:` policy. Returns
 * true when a link changed (the caller then looks its counterparts up again). Seen again (the
 * trace stays), a merge finds no loser link left to handle and does nothing.
 */
export async function applyMerges(ctx: RunContext, events: readonly MergeEvent[]): Promise<boolean> {
  const { sync, store, logger } = ctx;
  let changed = false;
  for (const event of events) {
    const { side, survivor } = event;
    const them = other(side);
    const links = await store.linksBySide(sync.name, side, [survivor, ...event.losers]);
    const losers = event.losers.flatMap((id) => {
      const link = id === survivor ? undefined : links.get(id);
      return link === undefined || mergeMark(link.base) !== undefined ? [] : [link];
    });
    if (losers.length === 0) continue;
    changed = true;
    let keep = links.get(survivor);
    if (keep === undefined) {
      // Which loser was the primary is not in the trace: the survivor's values (the primary's) tell.
      const record =
        event.record ??
        (
          await connectorOf(sync, side).lookup.findBy(
            objectOf(sync, side),
            connectorOf(sync, side).capabilities.idField,
            [survivor],
            fieldsOf(sync, side),
          )
        )[0];
      const chosen = heir(ctx, { ...event, ...(record === undefined ? {} : { record }) }, losers);
      if (chosen === undefined) continue;
      await store.moveLink(sync.name, side, idOn(side, chosen), survivor);
      logger.info(
        { sync: sync.name, side, from: idOn(side, chosen), to: survivor },
        'merge: link moved to the survivor',
      );
      keep = side === 'crm' ? { ...chosen, crm_id: survivor } : { ...chosen, erp_id: survivor };
    }
    for (const dup of losers) {
      if (idOn(them, dup) === idOn(them, keep)) continue; // the heir: its link is the survivor's now
      await duplicate(ctx, event, keep, dup, idOn(side, dup), them);
    }
  }
  return changed;
}

/** The other side's pair of a merged-away record: merged there too (`merges: merge`), or reported. */
async function duplicate(
  ctx: RunContext,
  event: MergeEvent,
  keep: LinkRow,
  dup: LinkRow,
  loser: string,
  them: Side,
): Promise<void> {
  const { sync, store, logger } = ctx;
  const [keepOther, dupOther] = [idOn(them, keep), idOn(them, dup)];
  let why = 'merges: report';
  const support = connectorOf(sync, them).merges;
  if (sync.config.merges === 'merge') {
    if (support === undefined) why = `the ${them} connector cannot merge`;
    else {
      try {
        const result = await support.merge(objectOf(sync, them), keepOther, dupOther);
        await store.dropLink(sync.name, dup.crm_id);
        if (result !== keepOther) await store.moveLink(sync.name, them, keepOther, result);
        logger.info({ sync: sync.name, side: them, survivor: result, merged: dupOther }, 'merge: duplicate merged');
        return;
      } catch (error) {
        why = `the ${them} merge failed: ${describeError(error)}`;
        logger.warn({ sync: sync.name, side: them, survivor: keepOther, merged: dupOther, err: error }, why);
      }
    }
  }
  const [crmId, erpId] = event.side === 'crm' ? [keep.crm_id, dupOther] : [dup.crm_id, keep.erp_id];
  const merged = `merged ${loser} into ${event.survivor} (${why})`;
  const conflict: NewConflict = {
    sync: sync.name,
    crmId,
    erpId,
    field: `(merged ${event.side} ${loser})`,
    kind: 'merge',
    crmValue: event.side === 'crm' ? merged : `duplicate of ${keepOther}`,
    erpValue: event.side === 'erp' ? merged : `duplicate of ${keepOther}`,
    baseValue: null,
  };
  await store.commitPage({
    sync: sync.name,
    side: 'crm',
    cursor: null,
    operations: [],
    deadLetters: [],
    ambiguous: [],
    conflicts: [conflict],
    links: [
      { sync: sync.name, crmId: dup.crm_id, erpId: dup.erp_id, base: { [MERGED]: `${event.side}:${event.survivor}` } },
    ],
  });
}
