/**
 * The version a write is planned on, carried with the operation from pull to delivery. For a target
 * whose connector offers optimistic concurrency (`capabilities.optimisticConcurrency`), an update
 * remembers the target's `modifiedAt` as it was read when the merge planned it; the connector then
 * refuses the write (STALE_WRITE) if the target changed since, however long the operation waited in
 * the outbox. It travels in the outbox payload under {@link PLANNED_KEY}, so it is part of the
 * payload hash: the same values planned on another version are another operation.
 */
import type { PlannedVersion, SourceRecord, WriteOperation } from '../../connectors/types.js';
import type { OutboxRow, Side } from '../../state/index.js';
import type { SyncDefinition } from './context.js';
import { connectorOf } from './sides.js';

/** The payload key of the planned version (no vendor field starts with `@`). */
export const PLANNED_KEY = '@planned';

/** `payload` with the planned version of `target` (the record written) when its connector checks one. */
export function withPlanned(
  sync: SyncDefinition,
  side: Side,
  target: SourceRecord,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  if (!connectorOf(sync, side).capabilities.optimisticConcurrency) return payload;
  const planned: PlannedVersion = { version: target.modifiedAt };
  return { ...payload, [PLANNED_KEY]: planned };
}

/** An outbox row as the operation a connector writes: the planned version split from the fields. */
export function toOperation(row: OutboxRow, targetId: string | null): WriteOperation {
  if (row.action === 'archive')
    return { action: 'archive', key: row.idempotency_key, targetId: targetId ?? row.target_id ?? '' };
  const { [PLANNED_KEY]: planned, ...fields } = JSON.parse(row.payload) as Record<string, unknown>;
  return {
    action: 'upsert',
    key: row.idempotency_key,
    targetId,
    ref: { field: row.ref_field ?? '', value: row.ref_value ?? '' },
    fields,
    ...(isPlanned(planned) ? { planned } : {}),
  };
}

function isPlanned(value: unknown): value is PlannedVersion {
  return typeof value === 'object' && value !== null && typeof (value as { version?: unknown }).version === 'string';
}
