/**
 * Reconcile and plan for one page of changes read from `side`: each record is paired with its
 * counterpart (src/pipeline/counterparts.ts), both are mapped to canonical values, the three-way
 * merge (src/pipeline/merge.ts) decides what each side must receive, and the result is what the
 * page commits: operations for both sides, link updates, conflicts, parked records, dead letters.
 */
import type { SourceRecord } from '../../connectors/types.js';
import { markersOf, type PageCommit } from '../../state/index.js';
import type { CanonicalResult, CanonicalValues } from '../mapping/types.js';
import type { Side } from '../mapping/resolver.js';
import type { RunContext, RunStats } from './context.js';
import { findCounterparts, type Counterpart } from './counterparts.js';
import { secondaryConflicts } from './match-keys.js';
import { merge } from './merge.js';
import { applyMerges, mergeMark, mergesOf, mergesOfVanished } from './merges.js';
import { plannedOf } from './planned.js';
import { createsFrom, isLeaving, lockedConflicts, planLeave } from './policies.js';
import { PrefetchingResolver } from './resolver.js';
import {
  changedFields,
  operation,
  planCreate,
  planDelete,
  planRestore,
  type Builder,
  type PlannedChange,
} from './plan-writes.js';
import { other, pairIds, referenceFor } from './sides.js';
import { vanishedReferences } from './vanished-references.js';

export type PageParts = Omit<PageCommit, 'sync' | 'side' | 'cursor'> & {
  /** The writes planned, in words: what a dry run prints instead of committing. */
  readonly changes: readonly PlannedChange[];
  /** Keys of the creates whose reference the counterpart lookup found on no record (RunState.absentRefs). */
  readonly absentRefKeys: readonly string[];
};

/**
 * Reconciles and plans one page read from `side`. A re-read (the lookback window, a backfill) is
 * merged again: against the base it changes nothing. Versions are not trusted to skip it here
 * (Odoo's write_date has whole seconds, so two edits within one second share a version); an
 * incremental run drops the re-reads it can trust before calling this (confirmed.ts).
 */
export async function processPage(
  ctx: RunContext,
  side: Side,
  page: readonly SourceRecord[],
  stats: RunStats,
  fromWaitingRoom = false,
): Promise<PageParts> {
  const { sync } = ctx;
  const latest = new Map<string, SourceRecord>();
  for (const record of page) latest.set(record.id, record);
  const records = [...latest.values()];
  // Merges first: a survivor with a new id (HubSpot) must take its link over before it is matched.
  if (ctx.dryRun !== true) await applyMerges(ctx, await mergesOf(ctx, side, records));
  let found = await findCounterparts(ctx, side, records);
  const gone = found.pairs.flatMap((p) =>
    p.link !== undefined && p.other === undefined && mergeMark(p.link.base) === undefined
      ? [other(side) === 'crm' ? p.link.crm_id : p.link.erp_id]
      : [],
  );
  if (ctx.dryRun !== true && (await applyMerges(ctx, await mergesOfVanished(ctx, other(side), gone))))
    found = await findCounterparts(ctx, side, records);
  const pairs = found.pairs;
  stats.ambiguous += found.ambiguous.length;

  const them = other(side);
  const resolver = new PrefetchingResolver(ctx.store, { crm: sync.crm, erp: sync.erp }, ctx.catalogs);
  const mapped = await resolver.prefetch(() =>
    pairs.map((p) => ({
      mine: sync.mapping.canonical(side, p.record, resolver),
      theirs: p.other === undefined ? undefined : sync.mapping.canonical(them, p.other, resolver),
    })),
  );
  const blocked = await ctx.store.openConflictFields(
    sync.name,
    pairs.flatMap((p) => (p.link === undefined ? [] : [p.link.crm_id])),
  );

  const vanished = await vanishedReferences(ctx, side, pairs, mapped, blocked);
  for (const c of vanished) blocked.set(c.crmId, (blocked.get(c.crmId) ?? new Set()).add(c.field));

  const plan = (counts: RunStats): Builder => {
    const b: Builder = { operations: [], deadLetters: [], conflicts: [], parked: [], links: [], changes: [] };
    pairs.forEach((pair, i) => planPair(ctx, side, pair, mapped[i], b, resolver, blocked, counts));
    return b;
  };
  // Encoding can ask the resolver for more (an id's catalog key): a dry plan, on throwaway counts,
  // finds what to prefetch; the real plan then counts once.
  await resolver.prefetch(() => plan(structuredClone(stats)));
  const out = plan(stats);
  out.conflicts.push(...vanished);
  stats.conflicts += out.conflicts.length;
  stats.waiting += out.parked.length;
  stats.deadLettered += out.deadLetters.length;
  const absentRefKeys = out.operations.flatMap((op) =>
    op.action === 'upsert' &&
    op.targetSide === them &&
    op.targetId === null &&
    found.absentRefs.has(op.ref?.value ?? '')
      ? [op.key]
      : [],
  );
  return {
    ...out,
    absentRefKeys,
    ambiguous: found.ambiguous,
    ...(fromWaitingRoom ? { unparked: page.map((r) => ({ side, id: r.id })) } : {}),
  };
}

/** The records of `side` waiting for a referenced record, planned again; undefined when none wait. */
export async function processWaiting(ctx: RunContext, side: Side, stats: RunStats): Promise<PageParts | undefined> {
  const waiting = await ctx.store.parked(ctx.sync.name, side);
  if (waiting.length === 0) return undefined;
  return processPage(
    ctx,
    side,
    waiting.map((w) => w.record),
    stats,
    true,
  );
}

type Mapped = { mine: CanonicalResult; theirs: CanonicalResult | undefined } | undefined;

/** What planning one pair reads besides the pair: the page's resolver, blocked fields and counts. */
interface PairContext {
  readonly ctx: RunContext;
  readonly side: Side;
  readonly out: Builder;
  readonly resolver: PrefetchingResolver;
  readonly blocked: Map<string, Set<string>>;
  readonly stats: RunStats;
}

function planPair(
  ctx: RunContext,
  side: Side,
  pair: Counterpart,
  mapped: Mapped,
  out: Builder,
  resolver: PrefetchingResolver,
  blocked: Map<string, Set<string>>,
  stats: RunStats,
): void {
  if (mapped === undefined) return;
  const p: PairContext = { ctx, side, out, resolver, blocked, stats };
  // Before the filter: a deal leaving closed-won for closed-lost leaves the filter too.
  if (isLeaving(ctx, side, pair.record)) return planLeave(ctx, pair, out, blocked, stats);
  const mine = mapped.mine;
  if (!mine.ok) return refuse(p, pair.record, mine, other(side));
  const { record, link } = pair;
  const counterpart = pair.other;
  const base = link === undefined ? null : (JSON.parse(link.base) as CanonicalValues);
  if (record.deleted || counterpart?.deleted === true) return planTombstone(p, pair, base, mine.values, mapped.theirs);
  if (counterpart === undefined) {
    if (link !== undefined) return; // The counterpart is gone without a tombstone: the id-set comparison's job.
    if (!createsFrom(ctx.sync, side)) {
      stats.filtered++; // `creates` names the other side: this record waits to be paired, never creates
      return;
    }
    return planCreate(ctx, side, record, mine.values, out, resolver, stats);
  }
  const theirs = mapped.theirs;
  if (theirs === undefined || !theirs.ok) {
    if (theirs?.code === 'WAITING_REFERENCE')
      out.parked.push({ sync: ctx.sync.name, side, record, needsSync: theirs.sync, needsId: theirs.id });
    else stats.filtered++;
    return;
  }
  planMerge(p, pair, counterpart, base, mine.values, theirs.values);
}

/** A record its mapping refuses: filtered (counted), waiting for a reference (parked), or a dead letter. */
function refuse(p: PairContext, record: SourceRecord, mine: Exclude<CanonicalResult, { ok: true }>, them: Side): void {
  const { ctx, side, out, stats } = p;
  const sync = ctx.sync;
  if (mine.code === 'FILTERED') stats.filtered++;
  else if (mine.code === 'WAITING_REFERENCE')
    out.parked.push({ sync: sync.name, side, record, needsSync: mine.sync, needsId: mine.id });
  else
    out.deadLetters.push({
      sync: sync.name,
      side: them,
      stage: 'map',
      recordId: record.id,
      // The record as read: `tandem dlq retry` maps it again once the cause is fixed (state/dead-letters.ts).
      payload: record,
      error: { code: mine.code, field: mine.field, message: mine.reason, mapping: sync.mapping.file },
    });
}

/** A tombstone on either side: an echo of our own archive, a restore, or a delete to carry over. */
function planTombstone(
  p: PairContext,
  pair: Counterpart,
  base: CanonicalValues | null,
  values: CanonicalValues,
  theirs: CanonicalResult | undefined,
): void {
  const { ctx, side, out } = p;
  const { record, link } = pair;
  const counterpart = pair.other;
  const them = other(side);
  const archivedByUs = link === undefined ? null : markersOf(link).archivedByUs;
  // Our own archive read back (HubSpot's archived list, `archivedReads`) is an echo: it must not
  // archive a counterpart a person restored since; planRestore on the other side decides that.
  if (record.deleted && archivedByUs === side) return;
  // Alive again after we archived its counterpart for it: restored, so the counterpart is too.
  if (
    !record.deleted &&
    counterpart !== undefined &&
    archivedByUs === them &&
    Date.parse(record.modifiedAt) > Date.parse(counterpart.modifiedAt)
  )
    planRestore(ctx, side, record, counterpart, out);
  else planDelete(ctx, side, pair, base, values, theirs, out);
}

/** Both alive: the three-way merge, its conflicts, the writes it asks for and the link it settles. */
function planMerge(
  p: PairContext,
  pair: Counterpart,
  counterpart: SourceRecord,
  base: CanonicalValues | null,
  mine: CanonicalValues,
  theirs: CanonicalValues,
): void {
  const { ctx, side, out, blocked, stats } = p;
  const { sync } = ctx;
  const { record, link } = pair;
  const [crmId, erpId] = pairIds(side, record.id, counterpart.id);
  const [crm, erp] = side === 'crm' ? [mine, theirs] : [theirs, mine];
  const [crmTime, erpTime] =
    side === 'crm' ? [record.modifiedAt, counterpart.modifiedAt] : [counterpart.modifiedAt, record.modifiedAt];
  // Met through a second email: that field waits for a person instead of overwriting either side.
  const held = secondaryConflicts(sync.mapping.fields, pair.secondary, crm, erp);
  const result = merge({
    fields: sync.mapping.fields,
    crm,
    erp,
    base,
    crmModifiedAt: crmTime,
    erpModifiedAt: erpTime,
    blocked: new Set([...(blocked.get(crmId) ?? []), ...held.map((c) => c.field)]),
  });
  for (const c of [...held, ...result.conflicts])
    out.conflicts.push({
      sync: sync.name,
      crmId,
      erpId,
      field: c.field,
      kind: 'field',
      crmValue: c.crm,
      erpValue: c.erp,
      baseValue: c.base,
    });
  const writes = planUpdates(p, pair, counterpart, result, { crm, erp }, base);
  const version = side === 'crm' ? { crmVersion: record.modifiedAt } : { erpVersion: record.modifiedAt };
  // Both alive: an archive of ours is history now, and must never restore anything later.
  const markers = link === undefined || markersOf(link).archivedByUs === null ? undefined : { archivedByUs: null };
  out.links.push({ sync: sync.name, crmId, erpId, base: result.settled, markers, ...version });
  if (writes === 0 && result.conflicts.length === 0) stats.skippedAsEcho[side]++;
}

/** The updates a merge asks of each side, encoded for it (a dead letter when it cannot be); how many. */
function planUpdates(
  p: PairContext,
  pair: Counterpart,
  counterpart: SourceRecord,
  result: ReturnType<typeof merge>,
  current: { readonly crm: CanonicalValues; readonly erp: CanonicalValues },
  base: CanonicalValues | null,
): number {
  const { ctx, side, out, resolver } = p;
  const { sync } = ctx;
  const { record, link } = pair;
  const [crmId, erpId] = pairIds(side, record.id, counterpart.id);
  let writes = 0;
  for (const target of ['crm', 'erp'] as const) {
    const values = target === 'erp' ? result.toErp : result.toCrm;
    if (Object.keys(values).length === 0) continue;
    const targetRecord = target === side ? record : counterpart;
    if (target === 'erp' && sync.mapping.policies.isLocked(targetRecord)) {
      // A locked ERP record (a confirmed order) is never edited silently: a person decides.
      out.conflicts.push(...lockedConflicts(ctx, { crmId, erpId }, values, current.erp, base));
      writes++;
      continue;
    }
    const encoded = sync.mapping.encode(target, values, resolver);
    if (!encoded.ok) {
      out.deadLetters.push({
        sync: sync.name,
        side: target,
        stage: 'map',
        recordId: target === 'erp' ? crmId : erpId,
        payload: values,
        error: encoded,
      });
      continue;
    }
    const sourceRecord = target === side ? counterpart : record;
    const ref = referenceFor(sync, target, sourceRecord);
    const payload =
      link === undefined && ref !== undefined ? { ...encoded.fields, [ref.field]: ref.value } : encoded.fields;
    const op = operation(
      ctx,
      target,
      sourceRecord.id,
      targetRecord.id,
      ref,
      payload,
      { ...result.settled, ...values },
      plannedOf(sync, target, targetRecord),
    );
    out.operations.push(op);
    out.changes.push({
      side: target,
      action: 'update',
      targetId: targetRecord.id,
      sourceId: sourceRecord.id,
      key: op.key,
      fields: changedFields(values, current[target]),
    });
    writes++;
  }
  return writes;
}
