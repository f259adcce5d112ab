/**
 * `--dry-run` for `run` and `backfill`: the same reads, reconciliation and planning as a run, and
 * nothing else. No page is committed, no checkpoint moves, nothing is delivered, no run is recorded:
 * each page's planned writes go to `onChanges` (printed as they come), and the totals come back.
 *
 * A plan is planned page by page against the state as it is: a record created earlier in the same
 * plan is not linked yet, so a contact whose company the plan would create shows as waiting.
 */
import type { Side } from '../mapping/resolver.js';
import { emptyStats, type RunContext, type RunOptions, type RunStats } from './context.js';
import { inWords, type PlannedChange } from './plan-writes.js';
import { processPage, processWaiting } from './process.js';
import { startCursor } from './run-sync.js';
import { connectorOf, fieldsOf, objectOf } from './sides.js';

export interface DryRunOutcome {
  readonly stats: RunStats;
  /** Operations already in the outbox, which a real run delivers before reading. */
  readonly pendingBefore: number;
}

export async function planSync(
  given: RunContext,
  options: RunOptions,
  onChanges: (changes: readonly PlannedChange[]) => void,
): Promise<DryRunOutcome> {
  const ctx: RunContext = { ...given, dryRun: true };
  const { sync, store } = ctx;
  const started = Date.now();
  const stats = emptyStats(sync.name, options.kind);
  const pendingBefore = (await store.outboxCounts(sync.name)).pending;
  const sides: Side[] = sync.config.direction === 'both' ? ['crm', 'erp'] : ['crm'];
  // A pair changed on one side is planned again when the other side's pull re-reads it (a real run
  // has delivered the first by then, and sees an echo): the plan shows each write once.
  const planned = new Set<string>();
  const fresh = (changes: readonly PlannedChange[]): PlannedChange[] =>
    changes
      .filter((c) => {
        const key = JSON.stringify([c.side, c.action, c.targetId ?? `new:${c.sourceId}`, c.fields]);
        if (planned.has(key)) return false;
        planned.add(key);
        return true;
      })
      .map(inWords);
  for (const side of sides) {
    const parts = await processWaiting(ctx, side, stats);
    if (parts !== undefined) onChanges(fresh(parts.changes));
  }
  for (const side of sides) {
    const checkpoint = await store.checkpoint(sync.name, side);
    const pages = connectorOf(sync, side).reader.readChanges(objectOf(sync, side), {
      cursor: startCursor(checkpoint, options, sync.config.lookbackSeconds),
      fields: fieldsOf(sync, side),
      pageSize: sync.config.pageSize,
      signal: ctx.signal,
    });
    for await (const page of pages) {
      stats.pulled[side] += page.records.length;
      const parts = await processPage(ctx, side, page.records, stats);
      const changes = fresh(parts.changes);
      for (const change of changes) {
        if (change.action === 'create') stats.created[change.side]++;
        else if (change.action === 'archive') stats.archived[change.side]++;
        else stats.updated[change.side]++;
      }
      onChanges(changes);
      if (ctx.signal.aborted) {
        stats.status = 'interrupted';
        break;
      }
    }
    if (stats.status !== 'succeeded') break;
  }
  stats.skipped += stats.skippedAsEcho.crm + stats.skippedAsEcho.erp;
  stats.pending = pendingBefore;
  stats.durationMs = Date.now() - started;
  return { stats, pendingBefore };
}
