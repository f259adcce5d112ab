/**
 * Matches the answer of one HubSpot batch request to its operations. Each input carries an
 * `objectWriteTraceId` (its index): HubSpot echoes it on results and puts it in the `context` of a
 * 207's per-input errors (https://developers.hubspot.com/docs/api-reference/error-handling,
 * "Multi-status errors"). Without it, results are matched by id or reference and errors by
 * `context.ids`. Pure: what stays unmatched is for the caller to resend.
 */
import type { UpsertOperation, WriteOperation, WriteResult } from '../types.js';
import type { BatchResponse, StandardError } from './schemas.js';
import { failure } from './write-ops.js';

/** The batch endpoint a request went to. */
export type Kind = 'update' | 'upsert' | 'archive';

/** The outcome of each operation HubSpot's answer explains, by the operation's index in `ops`. */
export function matchOutcomes(
  kind: Kind,
  ops: readonly WriteOperation[],
  body: BatchResponse,
  idProperty?: string,
): Map<number, WriteResult> {
  const outcome = new Map<number, WriteResult>();
  const upserts = ops as readonly UpsertOperation[];
  const indexOf = (traceId: string | undefined, matches: (op: UpsertOperation) => boolean): number => {
    const n = traceId === undefined ? NaN : Number(traceId);
    if (Number.isInteger(n) && n >= 0 && n < ops.length) return n;
    return upserts.findIndex((op, i) => !outcome.has(i) && matches(op));
  };
  const sameRef = (op: UpsertOperation, value: string | null | undefined): boolean =>
    value !== null &&
    value !== undefined &&
    (value === op.ref.value || (idProperty === 'email' && value.toLowerCase() === op.ref.value.toLowerCase()));

  for (const result of body.results) {
    const i = indexOf(result.objectWriteTraceId, (op) =>
      kind === 'update'
        ? op.targetId === result.id
        : sameRef(op, idProperty === undefined ? undefined : result.properties[idProperty]),
    );
    const op = ops[i];
    if (op !== undefined)
      outcome.set(i, { key: op.key, ok: true, id: result.id, created: kind === 'upsert' && result.new === true });
  }
  for (const error of body.errors ?? []) {
    for (const i of errorIndexes(error, upserts, kind, (n) => outcome.has(n))) {
      const op = ops[i];
      if (op !== undefined) outcome.set(i, { key: op.key, ok: false, error: failure(error) });
    }
  }
  return outcome;
}

/** Which operations a per-input error is about: its objectWriteTraceId, else its `context.ids`. */
function errorIndexes(
  error: StandardError,
  ops: readonly UpsertOperation[],
  kind: Kind,
  taken: (i: number) => boolean,
): number[] {
  const traces = (error.context?.['objectWriteTraceId'] ?? [])
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0 && n < ops.length);
  if (traces.length > 0) return traces;
  const ids = new Set(error.context?.['ids'] ?? []);
  if (ids.size === 0) return [];
  return ops.flatMap((op, i) =>
    !taken(i) && ids.has(kind === 'update' ? (op.targetId ?? '') : op.ref.value) ? [i] : [],
  );
}
