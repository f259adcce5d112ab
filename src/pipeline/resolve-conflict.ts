/**
 * Settles a conflict from the queue through the normal write path: the chosen value is encoded
 * for each side that does not hold it yet and enqueued in the outbox (idempotent, retried,
 * dead-lettered like any write); the next run delivers it and the base snapshot follows on confirm.
 */
import type { ConflictRow, LinkUpdate, NewOperation } from '../../state/index.js';
import { TandemError } from '../errors.js';
import type { Side } from '../mapping/resolver.js';
import { sameValue, type Value } from '../mapping/values.js';
import type { RunContext } from './context.js';
import { idempotencyKey, payloadHash } from './hash.js';
import { PrefetchingResolver } from './resolver.js';
import { objectOf } from './sides.js';

export type Resolution = { readonly take: Side } | { readonly value: Value };

export async function resolveConflict(
  ctx: RunContext,
  conflict: ConflictRow,
  resolution: Resolution,
): Promise<NewOperation[]> {
  const { sync, store } = ctx;
  if (conflict.status !== 'open') throw new TandemError('USAGE', `conflict #${conflict.id} is already resolved`);
  const values: Record<Side, Value> = {
    crm: JSON.parse(conflict.crm_value) as Value,
    erp: JSON.parse(conflict.erp_value) as Value,
  };
  const operations: NewOperation[] = [];
  const links: LinkUpdate[] = [];
  if (conflict.kind === 'merge') {
    // Nothing to write: the person merges (or keeps) the duplicate in its own system; Tandem follows
    // that merge when it sees it (docs/merges-and-deletes.md). Resolving records the decision.
  } else if (conflict.kind === 'leave') {
    operations.push(...leaveResolution(ctx, conflict, resolution));
  } else if (conflict.kind === 'delete') {
    deleteResolution(ctx, conflict, values, resolution, { operations, links });
  } else {
    const chosen = 'take' in resolution ? values[resolution.take] : resolution.value;
    const resolver = new PrefetchingResolver(store, { crm: sync.crm, erp: sync.erp });
    for (const target of ['crm', 'erp'] as const) {
      if (sameValue(values[target], chosen)) continue;
      const encoded = await resolver.prefetch(() =>
        sync.mapping.encode(target, { [conflict.field]: chosen }, resolver, new Set([conflict.field])),
      );
      if (!encoded.ok)
        throw new TandemError('USAGE', `the value cannot be written to the ${target}: ${encoded.reason}`);
      const targetId = target === 'erp' ? conflict.erp_id : conflict.crm_id;
      const sourceId = target === 'erp' ? conflict.crm_id : conflict.erp_id;
      const hash = payloadHash(encoded.fields);
      operations.push({
        sync: sync.name,
        targetSide: target,
        object: objectOf(sync, target),
        action: 'upsert',
        key: idempotencyKey(sync.name, target, sourceId, hash),
        sourceId,
        targetId,
        ref: null,
        payload: encoded.fields,
        payloadHash: hash,
        base: { [conflict.field]: chosen },
      });
    }
  }
  await store.commitPage({
    sync: sync.name,
    side: 'crm',
    cursor: null,
    operations,
    deadLetters: [],
    ambiguous: [],
    links,
  });
  await store.closeConflict(conflict.id, resolution);
  return operations;
}

/**
 * An onLeave conflict (policies.ts): `--take crm` writes the mapping's cancel values to the ERP
 * record (a person overrides its lock); `--take erp` keeps the ERP record as it is.
 */
function leaveResolution(ctx: RunContext, conflict: ConflictRow, resolution: Resolution): NewOperation[] {
  const { sync } = ctx;
  if (!('take' in resolution))
    throw new TandemError(
      'USAGE',
      'a leave conflict is resolved with --take crm (cancel the ERP record) or --take erp',
    );
  if (resolution.take === 'erp') return [];
  const cancel = sync.mapping.policies.onLeave?.cancel ?? {};
  if (Object.keys(cancel).length === 0)
    throw new TandemError(
      'USAGE',
      `${sync.mapping.file} declares no onLeave cancel values to write; resolve with --take erp, or add onLeave: { action: cancel, cancel: { erp: { ... } } }`,
    );
  const payload = { ...cancel };
  const hash = payloadHash(payload);
  return [
    {
      sync: sync.name,
      targetSide: 'erp',
      object: objectOf(sync, 'erp'),
      action: 'upsert',
      key: idempotencyKey(sync.name, 'erp', conflict.crm_id, `leave:${conflict.id}:${hash}`),
      sourceId: conflict.crm_id,
      targetId: conflict.erp_id,
      ref: null,
      payload,
      payloadHash: hash,
      base: {},
    },
  ];
}

/** A delete conflict: taking the side that deleted archives the survivor; taking the survivor keeps it. */
function deleteResolution(
  ctx: RunContext,
  conflict: ConflictRow,
  values: Record<Side, Value>,
  resolution: Resolution,
  out: { readonly operations: NewOperation[]; readonly links: LinkUpdate[] },
): void {
  const { sync } = ctx;
  const { operations, links } = out;
  if (!('take' in resolution))
    throw new TandemError('USAGE', 'a delete conflict is resolved with --take crm or --take erp');
  // Taking the side that deleted archives the survivor; taking the survivor keeps it as it is.
  const deleted: Side = values.crm === 'deleted' ? 'crm' : 'erp';
  if (resolution.take === deleted) {
    const target: Side = deleted === 'crm' ? 'erp' : 'crm';
    const targetId = target === 'erp' ? conflict.erp_id : conflict.crm_id;
    const sourceId = target === 'erp' ? conflict.crm_id : conflict.erp_id;
    operations.push({
      sync: sync.name,
      targetSide: target,
      object: objectOf(sync, target),
      action: 'archive',
      key: idempotencyKey(sync.name, target, sourceId, `resolve:${conflict.id}`),
      sourceId,
      targetId,
      ref: null,
      payload: {},
      payloadHash: 'archive',
    });
  } else {
    // The survivor stays, the other record stays archived: an archive of ours is now a person's choice.
    links.push({
      sync: sync.name,
      crmId: conflict.crm_id,
      erpId: conflict.erp_id,
      base: {},
      markers: { archivedByUs: null },
    });
  }
}
