/**
 * One run of one sync: pull -> validate/map -> reconcile -> plan -> commit -> deliver -> confirm,
 * a page at a time. Operations still in the outbox from an earlier run (a crash, a vendor that
 * was down) are delivered first. The checkpoint moves only in the transaction that stores the
 * page's operations, so a crash at any point loses nothing: on restart the operations are still
 * in the outbox and the cursor has not passed a change that is not in it.
 */
import type { Cursor } from '../../connectors/types.js';
import { describeError } from '../errors.js';
import { isBrokenCircuitError } from '../runtime/breaker.js';
import { emptyStats, type RunContext, type RunOptions, type RunStats } from './context.js';
import { deliverPending } from './deliver.js';
import { mapPage } from './map.js';
import { planPage } from './plan.js';
import { reconcilePage } from './reconcile.js';

export async function runSync(ctx: RunContext, options: RunOptions): Promise<RunStats> {
  const { sync, store, logger, signal } = ctx;
  const started = Date.now();
  const stats = emptyStats(sync.name, options.kind);
  const runId = await store.startRun(sync.name, options.kind);
  const log = logger.child({ sync: sync.name, run: runId, kind: options.kind });
  log.info('run started');

  try {
    const recovered = await deliverPending(ctx, stats);
    if (recovered.paused) stats.status = 'paused';
    const checkpoint = await store.checkpoint(sync.name, 'crm');
    const start: Cursor | null =
      options.kind === 'backfill'
        ? options.since === undefined
          ? null
          : { modifiedAt: options.since, lastId: null }
        : checkpoint;

    if (!recovered.interrupted) {
      const pages = sync.crm.reader.readChanges(sync.mapping.crmObject, {
        cursor: start,
        fields: sync.mapping.crmFields,
        pageSize: sync.config.pageSize,
        signal,
      });
      let current = checkpoint;
      for await (const page of pages) {
        stats.pulled.crm += page.records.length;
        const mapped = mapPage(sync, page.records);
        const reconciled = await reconcilePage(ctx, mapped.mapped);
        const planned = planPage(sync, reconciled.resolved);
        // A backfill re-reads the past: it never moves the incremental checkpoint backwards.
        const cursor =
          options.kind === 'backfill' && current !== null && compareCursor(page.cursor, current) <= 0
            ? null
            : page.cursor;
        await store.commitPage({
          sync: sync.name,
          side: 'crm',
          cursor,
          operations: planned.operations,
          deadLetters: mapped.deadLetters,
          ambiguous: reconciled.ambiguous,
        });
        if (cursor !== null) current = cursor;
        stats.filtered += mapped.filtered;
        stats.skipped += planned.unchanged;
        stats.ambiguous += reconciled.ambiguous.length;
        stats.deadLettered += mapped.deadLetters.length;
        log.debug(
          { records: page.records.length, operations: planned.operations.length, cursor: page.cursor },
          'page committed',
        );

        const delivered = await deliverPending(ctx, stats);
        if (delivered.paused) stats.status = 'paused';
        if (delivered.interrupted) break;
        if (signal.aborted) {
          stats.status = 'interrupted';
          break;
        }
      }
    }
    const counts = await store.outboxCounts(sync.name);
    stats.pending = counts.pending;
    if (stats.status === 'succeeded' && stats.failed > 0) stats.status = 'failed';
  } catch (error) {
    stats.error = describeError(error);
    if (isBrokenCircuitError(error)) {
      stats.status = 'paused';
      log.warn({ error: stats.error }, 'run paused: a connector circuit is open');
    } else {
      stats.status = 'failed';
      log.error({ err: error }, 'run failed');
    }
  }
  stats.durationMs = Date.now() - started;
  await store.finishRun(runId, stats.status, stats, stats.error ?? null);
  log.info({ stats }, `run ${stats.status}`);
  return stats;
}

/** Orders cursors by (modifiedAt, lastId); a null lastId sorts before any id at the same time. */
export function compareCursor(a: Cursor, b: Cursor): number {
  const ta = Date.parse(a.modifiedAt);
  const tb = Date.parse(b.modifiedAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.lastId === b.lastId) return 0;
  if (a.lastId === null) return -1;
  if (b.lastId === null) return 1;
  return compareIds(a.lastId, b.lastId);
}

function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
