/**
 * The deliver and confirm stages: drain the sync's pending operations in the target's batch
 * size; each confirmed write moves its link and base snapshot in the same transaction that
 * marks it done. A failed operation is retried on a later pass until `maxAttempts`, then goes
 * to the dead letters with the vendor's error; the rest of its batch goes through.
 */
import type { UpsertOperation, WriteFailure, WriteResult } from '../../connectors/types.js';
import type { OutboxRow } from '../../state/index.js';
import { describeError, isTandemError } from '../errors.js';
import { isBrokenCircuitError } from '../runtime/breaker.js';
import type { RunContext, RunStats } from './context.js';

export interface DeliveryOutcome {
  /** True when the target failed as a whole (it threw): the rest waits for the next run. */
  readonly interrupted: boolean;
  /** True when the target's circuit is open. */
  readonly paused: boolean;
}

export async function deliverPending(ctx: RunContext, stats: RunStats): Promise<DeliveryOutcome> {
  const { sync, store, logger } = ctx;
  const target = sync.erp;
  const batchSize = target.capabilities.maxWriteBatch;
  let afterId = 0;
  for (;;) {
    const rows = await store.pendingOperations(sync.name, 'erp', batchSize, afterId);
    if (rows.length === 0) return { interrupted: false, paused: false };
    afterId = rows[rows.length - 1]?.id ?? afterId;

    // An earlier operation for the same record may have created it since this one was planned.
    const links = await store.links(
      sync.name,
      rows.filter((r) => r.target_id === null).map((r) => r.source_id),
    );
    const operations = rows.map((row) => toOperation(row, links.get(row.source_id)?.erp_id ?? row.target_id));

    let results: WriteResult[];
    try {
      results = await target.writer.writeBatch(sync.mapping.erpObject, operations);
    } catch (error) {
      // An open circuit never reached the vendor: the operations wait without spending an attempt.
      if (isBrokenCircuitError(error)) return { interrupted: true, paused: true };
      const failure: WriteFailure = {
        code: isTandemError(error) ? error.code : 'WRITE_FAILED',
        message: describeError(error),
        retryable: true,
      };
      logger.warn(
        { sync: sync.name, connector: target.name, operations: rows.length, err: failure },
        'write batch failed; operations stay in the outbox',
      );
      for (const row of rows) await countFailure(ctx, stats, row, failure);
      return { interrupted: true, paused: false };
    }

    const byKey = new Map(results.map((r) => [r.key, r]));
    for (const row of rows) {
      const result = byKey.get(row.idempotency_key);
      if (result === undefined) {
        await countFailure(ctx, stats, row, {
          code: 'NO_RESULT',
          message: 'the connector returned no result for this operation',
          retryable: true,
        });
      } else if (result.ok) {
        try {
          await store.confirm(row.id, {
            sync: sync.name,
            crmId: row.source_id,
            erpId: result.id,
            base: JSON.parse(row.payload) as Record<string, unknown>,
            payloadHash: row.payload_hash,
          });
        } catch (error) {
          // The ERP id is linked to another CRM record already: a person must decide.
          await countFailure(ctx, stats, row, {
            code: 'LINK_CONFLICT',
            message: describeError(error),
            retryable: false,
          });
          continue;
        }
        stats.written.erp++;
        if (result.created) stats.created.erp++;
        else stats.updated.erp++;
      } else {
        await countFailure(ctx, stats, row, result.error);
      }
    }
  }
}

async function countFailure(ctx: RunContext, stats: RunStats, row: OutboxRow, failure: WriteFailure): Promise<void> {
  stats.failed++;
  const dead = await ctx.store.recordFailure(row, failure, ctx.sync.config.maxAttempts);
  if (dead) {
    stats.deadLettered++;
    ctx.logger.warn(
      { sync: row.sync, record: row.source_id, key: row.idempotency_key, code: failure.code },
      'operation moved to dead letters',
    );
  }
}

function toOperation(row: OutboxRow, targetId: string | null): UpsertOperation {
  return {
    action: 'upsert',
    key: row.idempotency_key,
    targetId,
    ref: { field: row.ref_field ?? '', value: row.ref_value ?? '' },
    fields: JSON.parse(row.payload) as Record<string, unknown>,
  };
}
