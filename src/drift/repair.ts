/**
 * `tandem drift <sync> --repair`: the fixes the policies dictate for a report's repairable rows,
 * through the normal pipeline. The records are read again (the scan may be minutes old) and planned
 * exactly as a run plans them: merged against the base, matched by reference and match keys,
 * created if absent, tombstones applied per the delete policy. The operations go to the outbox and
 * are delivered like any write: idempotent, retried, dead-lettered. With `dryRun` nothing is
 * committed or written; the planned changes are returned for printing.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { LinkRow } from '../../state/index.js';
import { chunks } from '../../state/index.js';
import type { Side } from '../mapping/resolver.js';
import type { CanonicalValues } from '../mapping/types.js';
import { emptyStats, type RunContext, type RunStats } from '../pipeline/context.js';
import { deliverAll } from '../pipeline/deliver.js';
import { applyMerges, mergesOfVanished } from '../pipeline/merges.js';
import { inWords, planDelete, type Builder, type PlannedChange } from '../pipeline/plan-writes.js';
import { processPage } from '../pipeline/process.js';
import { historyOf } from '../pipeline/history.js';
import { startRunState } from '../pipeline/run-state.js';
import { PrefetchingResolver } from '../pipeline/resolver.js';
import { connectorOf, fieldsOf, objectOf, other } from '../pipeline/sides.js';
import type { DriftRow } from './report-schema.js';

export interface RepairOutcome {
  readonly dryRun: boolean;
  readonly stats: RunStats;
  /** Every planned write (also when not a dry run: what was enqueued). */
  readonly changes: readonly PlannedChange[];
  /** Conflicts the repair opened (fields policy leaves to a person, deletes against edits). */
  readonly conflicts: number;
  /** Planned writes now pending in the outbox (0 for a dry run). */
  readonly enqueued: number;
  /** Planned writes whose operation is dead-lettered already: not enqueued until a person acts (`tandem dlq`). */
  readonly blocked: number;
}

interface Targets {
  readonly bySide: Record<Side, Set<string>>;
  readonly deletes: { crmId: string; erpId: string }[];
}

function collect(rows: Iterable<DriftRow>): Targets {
  const targets: Targets = { bySide: { crm: new Set(), erp: new Set() }, deletes: [] };
  for (const row of rows) {
    if (!row.repairable) continue;
    if (row.category === 'deleted_one_side' && row.crmId !== null && row.erpId !== null) {
      targets.deletes.push({ crmId: row.crmId, erpId: row.erpId });
    } else if (row.crmId !== null) targets.bySide.crm.add(row.crmId);
    else if (row.erpId !== null) targets.bySide.erp.add(row.erpId);
  }
  return targets;
}

async function readByIds(ctx: RunContext, side: Side, ids: readonly string[]): Promise<SourceRecord[]> {
  const connector = connectorOf(ctx.sync, side);
  return connector.lookup.findBy(
    objectOf(ctx.sync, side),
    connector.capabilities.idField,
    ids,
    fieldsOf(ctx.sync, side),
  );
}

export async function repair(
  given: RunContext,
  rows: Iterable<DriftRow>,
  options: {
    readonly dryRun: boolean;
    /** Deliver the enqueued writes now (default); the daemon leaves that to the sync's next run. */
    readonly deliver?: boolean;
  },
): Promise<RepairOutcome> {
  const ctx: RunContext = options.dryRun ? { ...given, dryRun: true } : given;
  const { sync, store } = ctx;
  const run = startRunState(emptyStats(sync.name, 'incremental'));
  const { stats } = run;
  const changes: PlannedChange[] = [];
  let conflicts = 0;
  const targets = collect(rows);
  const size = Math.max(1, Math.min(sync.config.pageSize ?? 100, 100));
  const runId = options.dryRun ? undefined : await store.startRun(sync.name, 'repair');
  const keys: string[] = [];

  for (const side of ['crm', 'erp'] as const) {
    for (const ids of chunks([...targets.bySide[side]], size)) {
      const records = await readByIds(ctx, side, ids);
      stats.pulled[side] += records.length;
      const parts = await processPage(ctx, side, records, stats);
      changes.push(...parts.changes.map(inWords));
      conflicts += parts.conflicts?.length ?? 0;
      keys.push(...parts.operations.map((o) => o.key));
      if (runId !== undefined)
        await store.commitPage({
          sync: sync.name,
          side,
          cursor: null,
          ...parts,
          ...historyOf(ctx, runId, parts.changes),
        });
    }
  }

  for (const group of chunks(targets.deletes, size)) {
    const out: Builder = { operations: [], deadLetters: [], conflicts: [], parked: [], links: [], changes: [] };
    await planDeletes(ctx, group, out);
    changes.push(...out.changes.map(inWords));
    conflicts += out.conflicts.length;
    stats.conflicts += out.conflicts.length;
    keys.push(...out.operations.map((o) => o.key));
    if (runId !== undefined)
      await store.commitPage({
        sync: sync.name,
        side: 'crm',
        cursor: null,
        ambiguous: [],
        ...out,
        ...historyOf(ctx, runId, out.changes),
      });
  }

  // Counted from the outbox, not from the plan: a key already dead-lettered is not enqueued again.
  const statuses = options.dryRun ? new Map<string, string>() : await store.outboxStatuses(keys);
  const enqueued = [...statuses.values()].filter((s) => s === 'pending').length;
  const blocked = [...statuses.values()].filter((s) => s === 'dead').length;
  if (!options.dryRun) {
    if (options.deliver !== false) await deliverAll(ctx, run);
    stats.pending = (await store.outboxCounts(sync.name)).pending;
    if (stats.failed > 0) stats.status = 'failed';
    if (runId !== undefined) await store.finishRun(runId, stats.status, stats, null);
  }
  return { dryRun: options.dryRun, stats, changes, conflicts, enqueued, blocked };
}

/**
 * A link whose record is gone on one side is a tombstone of that side: archived records are read
 * again as they are; a record deleted outright gets a tombstone dated by the link, so planning it
 * twice gives the same idempotency key.
 */
async function planDeletes(
  ctx: RunContext,
  group: readonly { crmId: string; erpId: string }[],
  out: Builder,
): Promise<void> {
  const { sync, store } = ctx;
  const byId = async (side: Side) =>
    new Map(
      (
        await readByIds(
          ctx,
          side,
          group.map((d) => (side === 'crm' ? d.crmId : d.erpId)),
        )
      ).map((r) => [r.id, r]),
    );
  const crm = await byId('crm');
  const erp = await byId('erp');
  // Gone outright may be merged away: the link follows the survivor instead of archiving anything.
  const merges = [
    ...(await mergesOfVanished(
      ctx,
      'crm',
      group.flatMap((d) => (crm.has(d.crmId) ? [] : [d.crmId])),
    )),
    ...(await mergesOfVanished(
      ctx,
      'erp',
      group.flatMap((d) => (erp.has(d.erpId) ? [] : [d.erpId])),
    )),
  ];
  if (ctx.dryRun !== true) await applyMerges(ctx, merges);
  const mergedAway = new Set(merges.flatMap((e) => e.losers.map((id) => `${e.side}:${id}`)));
  const links: Map<string, LinkRow> = await store.linksBySide(
    sync.name,
    'crm',
    group.map((d) => d.crmId),
  );
  const resolver = new PrefetchingResolver(store, { crm: sync.crm, erp: sync.erp });
  const plans = group.flatMap((d) => {
    const link = links.get(d.crmId);
    const records = { crm: crm.get(d.crmId), erp: erp.get(d.erpId) };
    const live = (r: SourceRecord | undefined) => r !== undefined && !r.deleted;
    // Relinked since the scan, or both alive again, or both gone: nothing to do here.
    if (link === undefined || link.erp_id !== d.erpId || live(records.crm) === live(records.erp)) return [];
    if (mergedAway.has(`crm:${d.crmId}`) || mergedAway.has(`erp:${d.erpId}`)) return [];
    const gone: Side = live(records.crm) ? 'erp' : 'crm';
    const alive = other(gone);
    const survivor = records[alive] as SourceRecord;
    const id = gone === 'crm' ? d.crmId : d.erpId;
    const tombstone: SourceRecord = records[gone] ?? { id, modifiedAt: link.updated_at, deleted: true, fields: {} };
    // The live record changed after the other was archived (or after the last sync, for a record
    // deleted outright): perhaps restored on purpose. Archiving it again could undo a person's
    // decision; it stays in the report for review.
    if (Date.parse(survivor.modifiedAt) > Date.parse(tombstone.modifiedAt)) return [];
    return [{ link, survivor, tombstone, gone, alive }];
  });
  const mapped = await resolver.prefetch(() => plans.map((p) => sync.mapping.canonical(p.alive, p.survivor, resolver)));
  plans.forEach((p, i) => {
    const base = JSON.parse(p.link.base) as CanonicalValues;
    planDelete(ctx, p.gone, { record: p.tombstone, link: p.link, other: p.survivor }, base, {}, mapped[i], out);
  });
}
