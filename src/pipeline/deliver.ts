/**
 * The deliver and confirm stages: drain the sync's pending operations for one target side in that
 * connector's batch size; each confirmed write moves its link and base snapshot in the same
 * transaction that marks it done. A failed operation is retried after the next page and on later
 * runs, spending one attempt per run, until `maxAttempts`; then it goes to the dead letters with
 * the vendor's error. The rest of its batch goes through, confirmed in one transaction. An open circuit never reaches the vendor: the operations wait without spending attempts.
 */
import type { WriteFailure, WriteOperation, WriteResult } from '../../connectors/types.js';
import { isLinkConflict, type OutboxRow, type Side } from '../../state/index.js';
import { describeError, isTandemError } from '../errors.js';
import { isBrokenCircuitError } from '../runtime/breaker.js';
import type { RunContext } from './context.js';
import { ensureCrmProperties } from './crm-properties.js';
import { toOperation } from './planned.js';
import { replanStale } from './replan.js';
import type { RunState } from './run-state.js';
import { connectorOf, other } from './sides.js';

export interface DeliveryOutcome {
  /** True when the target failed as a whole (it threw): the rest waits for the next run. */
  readonly interrupted: boolean;
  /** True when the target's circuit is open. */
  readonly paused: boolean;
}

/** Delivers both sides' pending operations; the ERP's first, then the CRM's. */
export async function deliverAll(ctx: RunContext, run: RunState): Promise<DeliveryOutcome> {
  const erp = await deliverPending(ctx, run, 'erp');
  const crm = await deliverPending(ctx, run, 'crm');
  return { interrupted: erp.interrupted || crm.interrupted, paused: erp.paused || crm.paused };
}

export async function deliverPending(ctx: RunContext, run: RunState, side: Side = 'erp'): Promise<DeliveryOutcome> {
  const { sync, store, logger } = ctx;
  const { stats } = run;
  const target = connectorOf(sync, side);
  const batchSize = target.capabilities.maxWriteBatch;
  let afterId = 0;
  for (;;) {
    const rows = await store.pendingOperations(sync.name, side, batchSize, afterId);
    if (rows.length === 0) return { interrupted: false, paused: false };
    // The properties the CRM writes fill (mapping `crmProperties`) exist before the first one.
    if (side === 'crm') await ensureCrmProperties(ctx);
    afterId = rows[rows.length - 1]?.id ?? afterId;

    // An earlier operation for the same record may have created it since this one was planned.
    const unknown = rows.filter((r) => r.target_id === null).map((r) => r.source_id);
    const links = await store.linksBySide(sync.name, other(side), unknown);
    const targetOf = (row: OutboxRow): string | null => {
      const link = links.get(row.source_id);
      return row.target_id ?? (link === undefined ? null : side === 'erp' ? link.erp_id : link.crm_id);
    };
    const byObject = new Map<string, OutboxRow[]>();
    for (const row of rows) byObject.set(row.object, [...(byObject.get(row.object) ?? []), row]);

    for (const [object, group] of byObject) {
      let results: WriteResult[];
      try {
        results = await target.writer.writeBatch(
          object,
          group.map((row) => operationOf(run, row, targetOf(row))),
        );
      } catch (error) {
        if (isBrokenCircuitError(error)) return { interrupted: true, paused: true };
        const failure: WriteFailure = {
          code: isTandemError(error) ? error.code : 'WRITE_FAILED',
          message: describeError(error),
          retryable: true,
        };
        logger.warn(
          { sync: sync.name, connector: target.name, operations: group.length, err: failure },
          'write batch failed; operations stay in the outbox',
        );
        for (const row of group) await countFailure(ctx, run, row, failure);
        return { interrupted: true, paused: false };
      }
      const byKey = new Map(results.map((r) => [r.key, r]));
      const written: Written[] = [];
      for (const row of group) {
        const result = byKey.get(row.idempotency_key);
        if (result === undefined) {
          await countFailure(ctx, run, row, {
            code: 'NO_RESULT',
            message: 'the connector returned no result for this operation',
            retryable: true,
          });
        } else if (!result.ok && (await replanStale(ctx, run, row, result.error))) {
          // Its target changed since it was planned: planned again; this write is not a failure.
          if (run.failed.delete(row.id)) stats.failed--;
        } else if (!result.ok) {
          await countFailure(ctx, run, row, result.error);
        } else {
          written.push({ row, targetId: result.id, created: result.created });
        }
      }
      await confirmWritten(ctx, run, side, written);
    }
  }
}

/**
 * The operation `row` sends. A create planned in this run on a reference nobody holds, never sent
 * yet (its first attempt, in this run: an operation from before a crash may have reached the
 * vendor), tells the writer so (`refAbsent`); the key leaves `run.absentRefs` as it is sent.
 */
function operationOf(run: RunState, row: OutboxRow, targetId: string | null): WriteOperation {
  const op = toOperation(row, targetId);
  const checked = run.absentRefs.delete(row.idempotency_key);
  if (op.action !== 'upsert' || targetId !== null) return op;
  // Another create of the same reference sent earlier in this run may have made it (its answer lost).
  const ref = `${row.object}\u0000${op.ref.field}\u0000${op.ref.value}`;
  const absent = checked && row.attempts === 0 && !run.sentRefs.has(ref);
  run.sentRefs.add(ref);
  return absent ? { ...op, refAbsent: true } : op;
}

interface Written {
  readonly row: OutboxRow;
  readonly targetId: string;
  readonly created: boolean;
}

/**
 * Confirms a batch's applied writes in one transaction. When a record of it is linked to another
 * one already, that batch is rolled back and confirmed one write at a time, so the others go
 * through and only that one needs a person. Anything else (the lease lost, the store locked
 * through its retries) stops the run: the writes the vendor applied stay pending and are
 * confirmed after their idempotent re-delivery.
 */
async function confirmWritten(ctx: RunContext, run: RunState, side: Side, written: readonly Written[]): Promise<void> {
  const { store } = ctx;
  let confirmed: readonly Written[] = written;
  try {
    await store.confirmOperations(written);
  } catch (error) {
    if (!isLinkConflict(error)) throw error;
    const one: Written[] = [];
    for (const write of written) {
      try {
        await store.confirmOperation(write.row, write.targetId);
        one.push(write);
      } catch (error) {
        if (!isLinkConflict(error)) throw error;
        await countFailure(ctx, run, write.row, {
          code: 'LINK_CONFLICT',
          message: describeError(error),
          retryable: false,
        });
      }
    }
    confirmed = one;
  }
  const { stats } = run;
  for (const { row, created } of confirmed) {
    // Failed earlier in this run, through now: the run does not count it as failed.
    if (run.failed.delete(row.id)) stats.failed--;
    stats.written[side]++;
    if (row.action === 'archive') stats.archived[side]++;
    else if (created) stats.created[side]++;
    else stats.updated[side]++;
  }
}

/** Counts a failed operation once per run (see RunState.failed); a final failure dead-letters it. */
async function countFailure(ctx: RunContext, run: RunState, row: OutboxRow, failure: WriteFailure): Promise<void> {
  const { stats, failed } = run;
  if (failure.retryable && failed.has(row.id)) return;
  failed.add(row.id);
  stats.failed++;
  const dead = await ctx.store.recordFailure(row, failure, ctx.sync.config.maxAttempts);
  if (dead) {
    stats.deadLettered++;
    ctx.logger.warn(
      { sync: row.sync, side: row.target_side, record: row.source_id, key: row.idempotency_key, code: failure.code },
      'operation moved to dead letters',
    );
  }
}
