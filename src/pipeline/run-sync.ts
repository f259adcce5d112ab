/**
 * One run of one sync, a page at a time: pull -> validate/map -> reconcile -> plan -> commit ->
 * deliver -> confirm, for the CRM's changes and then (direction `both`) the ERP's. Operations still
 * in the outbox from an earlier run (a crash, a vendor that was down) are delivered first, then the
 * records that were waiting for a referenced record. The checkpoint moves only in the transaction
 * that stores the page's operations, so a crash at any point loses nothing.
 */
import { compareCursor, lookback } from '../../connectors/cursor.js';
import type { Cursor } from '../../connectors/types.js';
import { describeError } from '../errors.js';
import { BackfillSession, sidesOf } from './backfill.js';
import { checkpointOf } from './checkpoint-limit.js';
import { dropConfirmed } from './confirmed.js';
import type { Side } from '../mapping/resolver.js';
import { isBrokenCircuitError } from '../runtime/breaker.js';
import { emptyStats, type RunContext, type RunOptions, type RunStats } from './context.js';
import { deliverAll } from './deliver.js';
import { historyOf, pruneAfterRun } from './history.js';
import { processPage, processWaiting } from './process.js';
import { CatalogMemo } from './resolver.js';
import { startRunState, type RunState } from './run-state.js';
import { connectorOf, fieldsOf, objectOf } from './sides.js';

export async function runSync(given: RunContext, options: RunOptions): Promise<RunStats> {
  // Catalog lookups (res.country) are asked once per run, whatever the pages need.
  const ctx: RunContext = given.catalogs === undefined ? { ...given, catalogs: new CatalogMemo() } : given;
  const { sync, store, logger } = ctx;
  const started = Date.now();
  const run = startRunState(emptyStats(sync.name, options.kind));
  const { stats } = run;
  const runId = await store.startRun(sync.name, options.kind);
  const log = logger.child({ sync: sync.name, run: runId, kind: options.kind });
  log.info('run started');
  let backfill: BackfillSession | undefined;
  try {
    if (options.kind === 'backfill')
      backfill = await BackfillSession.begin(store, sync, options, log, ctx.signal, ctx.onProgress);
    let delivered = await deliverAll(ctx, run);
    const sides: Side[] = sidesOf(sync);
    for (const side of sides) {
      if (delivered.interrupted || stats.status !== 'succeeded') break;
      const parts = await processWaiting(ctx, side, stats);
      if (parts !== undefined) {
        await store.commitPage({
          sync: sync.name,
          side,
          cursor: null,
          ...parts,
          ...historyOf(ctx, runId, parts.changes),
        });
        delivered = await deliverAll(ctx, run);
      }
    }
    for (const side of sides) {
      if (delivered.interrupted || stats.status !== 'succeeded') break;
      delivered = await pullSide(ctx, side, options, { ...run, id: runId }, backfill);
    }
    if (delivered.paused) stats.status = 'paused';
    const counts = await store.outboxCounts(sync.name);
    stats.pending = counts.pending;
    stats.skipped += stats.skippedAsEcho.crm + stats.skippedAsEcho.erp;
    if (stats.status === 'succeeded' && stats.failed > 0) stats.status = 'failed';
  } catch (error) {
    stats.error = describeError(error);
    if (ctx.signal.aborted) {
      // Stopped (Ctrl-C, SIGTERM) while a request was in flight: what was committed stays; resumable.
      stats.status = 'interrupted';
      log.info({ error: stats.error }, 'run interrupted during a request');
    } else if (isBrokenCircuitError(error)) {
      stats.status = 'paused';
      log.warn({ error: stats.error }, 'run paused: a connector circuit is open');
    } else {
      stats.status = 'failed';
      log.error({ err: error }, 'run failed');
    }
  }
  if (backfill !== undefined) stats.backfill = await backfill.finish(stats);
  stats.durationMs = Date.now() - started;
  await store.finishRun(runId, stats.status, stats, stats.error ?? null);
  await pruneAfterRun(ctx, log);
  log.info({ stats }, `run ${stats.status}`);
  return stats;
}

async function pullSide(
  ctx: RunContext,
  side: Side,
  options: RunOptions,
  run: RunState & { readonly id: number },
  backfill?: BackfillSession,
): Promise<{ interrupted: boolean; paused: boolean }> {
  const { sync, store, signal, logger } = ctx;
  const { stats } = run;
  const checkpoint = await store.checkpoint(sync.name, side);
  // A backfill reads from its own cursor (resumed) or its date; a side it finished is skipped.
  const resumeAt = backfill?.startFor(side);
  if (backfill !== undefined && resumeAt === undefined) return { interrupted: false, paused: false };
  await backfill?.count(side);
  const start = resumeAt !== undefined ? resumeAt : startCursor(checkpoint, options, sync.config.lookbackSeconds);
  let current = checkpoint;
  const connector = connectorOf(sync, side);
  const pages = connector.reader.readChanges(objectOf(sync, side), {
    cursor: start,
    fields: fieldsOf(sync, side),
    pageSize: sync.config.pageSize,
    signal,
    // The filter's vendor-expressible part goes into the query (pushdown); dropConfirmed and
    // planning still evaluate all of it. A backfill reads unfiltered, as it reads everything.
    ...(options.kind === 'incremental' ? { filter: sync.mapping.pushdown?.[side] ?? [] } : {}),
  });
  for await (const page of pages) {
    stats.pulled[side] += page.records.length;
    // Re-reads of versions already merged cost no mapping and no lookup (confirmed.ts); a backfill merges all.
    const fresh =
      options.kind === 'incremental'
        ? await dropConfirmed(ctx, side, page.records, connector.capabilities.exactVersions, checkpoint)
        : { records: page.records, dropped: 0, filtered: 0 };
    stats.skippedAsEcho[side] += fresh.dropped;
    stats.filtered += fresh.filtered;
    const { absentRefKeys, ...parts } = await processPage(ctx, side, fresh.records, stats);
    // Never past the vendor's now less its settle window; and, as the lookback and a backfill
    // re-read the past, never backwards.
    const limited = checkpointOf(page, connector, { sync: sync.name, side, logger });
    const cursor = current !== null && compareCursor(limited, current) <= 0 ? null : limited;
    await store.commitPage({ sync: sync.name, side, cursor, ...parts, ...historyOf(ctx, run.id, parts.changes) });
    for (const key of absentRefKeys) run.absentRefs.add(key);
    if (cursor !== null) current = cursor;
    logger.debug(
      { sync: sync.name, side, records: page.records.length, operations: parts.operations.length, cursor: page.cursor },
      'page committed',
    );
    const delivered = await deliverAll(ctx, run);
    // The page's operations are in the outbox: a resumed backfill need not read it again.
    await backfill?.page(side, limited, stats);
    if (delivered.interrupted) return delivered;
    if (signal.aborted) {
      stats.status = 'interrupted';
      return { interrupted: true, paused: false };
    }
  }
  if (stats.status === 'succeeded') await backfill?.sideDone(side);
  return { interrupted: false, paused: false };
}

/** Where reading starts: the checkpoint less the lookback window, or the backfill's date (run-sync without a session). */
export function startCursor(checkpoint: Cursor | null, options: RunOptions, lookbackSeconds: number): Cursor | null {
  if (options.kind === 'backfill')
    return options.since === undefined ? null : { modifiedAt: options.since, lastId: null };
  return checkpoint === null ? null : lookback(checkpoint, lookbackSeconds);
}
