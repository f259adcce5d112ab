/**
 * The plan stage: one operation per record whose payload differs from what was last confirmed
 * on the target, each with its deterministic idempotency key.
 */
import type { NewOperation } from '../../state/index.js';
import type { SyncDefinition } from './context.js';
import { idempotencyKey, payloadHash } from './hash.js';
import type { Resolved } from './reconcile.js';

export interface PlannedPage {
  readonly operations: NewOperation[];
  /** Records whose payload equals the last confirmed one: nothing to write. */
  readonly unchanged: number;
}

export function planPage(sync: SyncDefinition, resolved: readonly Resolved[]): PlannedPage {
  const operations: NewOperation[] = [];
  let unchanged = 0;
  for (const { mapped, link, targetId } of resolved) {
    const hash = payloadHash(mapped.payload);
    if (link !== undefined && link.payload_hash === hash) {
      unchanged++;
      continue;
    }
    operations.push({
      sync: sync.name,
      targetSide: 'erp',
      object: sync.mapping.erpObject,
      action: 'upsert',
      key: idempotencyKey(sync.name, 'erp', mapped.record.id, hash),
      sourceId: mapped.record.id,
      targetId,
      ref: { field: sync.mapping.reference.field, value: mapped.ref },
      payload: mapped.payload,
      payloadHash: hash,
    });
  }
  return { operations, unchanged };
}
