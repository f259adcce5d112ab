/**
 * Re-planning a stale write. A connector with optimistic concurrency refuses a write whose target
 * changed after it was planned (STALE_WRITE: an edit between pull and write, a queued write that
 * waited through an outage, an email edited while the write was in flight). Resending it would
 * overwrite that edit, so the source record is read again and its pair goes through the three-way
 * merge (src/pipeline/merge.ts) once more, against the target as it is now: the field's policy
 * decides (the person's later edit wins under `owner: latest`, `manual` opens a conflict), and the
 * stale operation is superseded by whatever that plan writes, on either side.
 */
import { STALE_WRITE, type WriteFailure } from '../../connectors/types.js';
import type { OutboxRow } from '../../state/index.js';
import type { RunContext } from './context.js';
import { processPage } from './process.js';
import type { RunState } from './run-state.js';
import { connectorOf, fieldsOf, objectOf, other } from './sides.js';

/** Re-plans of one source record per run: a target edited without pause must not hold a run forever. */
export const MAX_REPLANS_PER_RUN = 3;

/**
 * Re-plans `row` when `failure` says its target changed since it was planned. True when it did:
 * the new plan is committed and `row` superseded. False (count it as a failure) for any other
 * failure, when the source record is gone, or when this record was re-planned too often this run.
 */
export async function replanStale(
  ctx: RunContext,
  run: RunState,
  row: OutboxRow,
  failure: WriteFailure,
): Promise<boolean> {
  if (failure.code !== STALE_WRITE || row.action !== 'upsert') return false;
  const { sync, store, logger } = ctx;
  const side = other(row.target_side);
  const counted = run.replans;
  const key = `${side}:${row.source_id}`;
  const times = counted.get(key) ?? 0;
  if (times >= MAX_REPLANS_PER_RUN) return false;
  counted.set(key, times + 1);

  const source = connectorOf(sync, side);
  const fresh = (
    await source.lookup.findBy(objectOf(sync, side), source.capabilities.idField, [row.source_id], fieldsOf(sync, side))
  ).filter((r) => r.id === row.source_id);
  if (fresh.length === 0) {
    logger.warn(
      { sync: sync.name, side: row.target_side, record: row.source_id, key: row.idempotency_key },
      'a stale write cannot be re-planned: its source record is gone',
    );
    return false;
  }
  const parts = await processPage(ctx, side, fresh, run.stats);
  // The same key again means the same write on the same version: superseding it would drop it.
  if (parts.operations.some((op) => op.key === row.idempotency_key)) return false;
  await store.commitPage({ sync: sync.name, side, cursor: null, ...parts });
  await store.supersedeOperation(row.id);
  logger.info(
    {
      sync: sync.name,
      side: row.target_side,
      record: row.source_id,
      key: row.idempotency_key,
      replanned: parts.operations.map((op) => ({ side: op.targetSide, key: op.key })),
      conflicts: parts.conflicts?.length ?? 0,
    },
    'the target changed after this write was planned: planned again from a fresh read',
  );
  return true;
}
