/**
 * The version a write is planned on, carried with the operation from pull to delivery. For a target
 * whose connector offers optimistic concurrency (`capabilities.optimisticConcurrency`), an update
 * remembers the target's `modifiedAt` as it was read when the merge planned it; the connector then
 * refuses the write (STALE_WRITE) if the target changed since, however long the operation waited in
 * the outbox. It travels in the operation's own field (`outbox.planned_version`), beside the vendor
 * fields, and is part of the payload hash: the same values planned on another version are another
 * operation.
 */
import type { PlannedVersion, SourceRecord, WriteOperation } from '../../connectors/types.js';
import type { OutboxRow, Side } from '../../state/index.js';
import type { SyncDefinition } from './context.js';
import { connectorOf } from './sides.js';

/**
 * The key the planned version is hashed under. Before migration 0010 it was stored in the payload
 * under this key; hashing it the same way keeps the idempotency keys of an upgraded store's
 * operations the same, so a write planned again is recognised as the one already queued.
 */
const PLANNED_KEY = '@planned';

/** The version of `target` (the record written) a write is planned on, when its connector checks one. */
export function plannedOf(sync: SyncDefinition, side: Side, target: SourceRecord): string | undefined {
  return connectorOf(sync, side).capabilities.optimisticConcurrency ? target.modifiedAt : undefined;
}

/** What an operation's payload hash covers: its fields and the version it is planned on. */
export function hashedPayload(payload: Record<string, unknown>, planned: string | undefined): Record<string, unknown> {
  if (planned === undefined) return payload;
  const version: PlannedVersion = { version: planned };
  return { ...payload, [PLANNED_KEY]: version };
}

/** An outbox row as the operation a connector writes, with the version it was planned on. */
export function toOperation(row: OutboxRow, targetId: string | null): WriteOperation {
  if (row.action === 'archive')
    return { action: 'archive', key: row.idempotency_key, targetId: targetId ?? row.target_id ?? '' };
  const fields = JSON.parse(row.payload) as Record<string, unknown>;
  return {
    action: 'upsert',
    key: row.idempotency_key,
    targetId,
    ref: { field: row.ref_field ?? '', value: row.ref_value ?? '' },
    fields,
    ...(row.planned_version === null ? {} : { planned: { version: row.planned_version } }),
  };
}
