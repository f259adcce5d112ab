/** Helpers for the writer: property values as HubSpot strings, failures, and batching upserts. */
import type { UpsertOperation, WriteFailure, WriteOperation, WriteResult } from '../types.js';
import type { StandardError } from './schemas.js';

/** HubSpot property values are strings; null and undefined clear a value (an empty string). */
export function toProperties(fields: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === null || value === undefined) out[name] = '';
    else if (value instanceof Date) out[name] = value.toISOString();
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

/**
 * The categories of a 207's per-input errors that pass on their own, so the operation stays in the
 * outbox and is sent again on a later pass (until `maxAttempts`): `RATE_LIMITS` (HubSpot's category
 * for its rate limits) and `INTERNAL_ERROR` (a failure on HubSpot's side). Every other category is
 * about the input or the app's access (`VALIDATION_ERROR`, `CONFLICT`, `OBJECT_NOT_FOUND`,
 * `MISSING_SCOPES`, ...), and so is an unknown one: the same input would fail again, so the
 * operation goes to the dead letters at once, for a person to fix and replay.
 * https://developers.hubspot.com/docs/api-reference/error-handling ("Multi-status errors")
 */
export const TRANSIENT_CATEGORIES: ReadonlySet<string> = new Set(['RATE_LIMITS', 'INTERNAL_ERROR']);

/** A per-input error of a 207 as a failure (its category as the code), retryable when transient. */
export function failure(error: StandardError): WriteFailure {
  const code = error.category === 'OBJECT_NOT_FOUND' ? 'NOT_FOUND' : error.category;
  return {
    code,
    message: error.message,
    retryable: TRANSIENT_CATEGORIES.has(error.category),
    vendor: { status: 207, body: JSON.stringify(error).slice(0, 500) },
  };
}

export function failOne(op: WriteOperation, error: WriteFailure): WriteResult {
  return { key: op.key, ok: false, error };
}

export function failAll(ops: readonly WriteOperation[], error: WriteFailure): WriteResult[] {
  return ops.map((op) => failOne(op, error));
}

/**
 * Groups upserts by reference field, in batches of at most `max`, with each reference value at
 * most once per batch (HubSpot rejects duplicate ids in one batch); a repeat goes to a later batch.
 */
export function groupUpserts(ops: readonly UpsertOperation[], max: number): Array<[string, UpsertOperation[]]> {
  const byField = new Map<string, UpsertOperation[]>();
  for (const op of ops) byField.set(op.ref.field, [...(byField.get(op.ref.field) ?? []), op]);
  const batches: Array<[string, UpsertOperation[]]> = [];
  for (const [field, list] of byField) {
    const open: { ops: UpsertOperation[]; refs: Set<string> }[] = [];
    for (const op of list) {
      const ref = field === 'email' ? op.ref.value.toLowerCase() : op.ref.value;
      let target = open.find((b) => b.ops.length < max && !b.refs.has(ref));
      if (target === undefined) {
        target = { ops: [], refs: new Set() };
        open.push(target);
      }
      target.ops.push(op);
      target.refs.add(ref);
    }
    for (const batch of open) batches.push([field, batch.ops]);
  }
  return batches;
}
