/**
 * The outcome of each operation of one Odoo write batch, filled in by index as the calls answer.
 * A vendor failure becomes the result of the operations it concerns; auth and programming errors
 * are rethrown so the runtime layer sees them.
 */
import { VendorError } from '../../src/errors.js';
import type { WriteOperation, WriteResult } from '../types.js';
import { isAuthFailure, toWriteFailure } from './errors.js';

/** One slot per operation of the batch, by its position; `undefined` until something answered. */
export type Results = Array<WriteResult | undefined>;

/** An operation's place in the batch and its idempotency key. */
export interface Slot {
  readonly index: number;
  readonly key: string;
}

/** Records a vendor failure as the result of the given operations; rethrows auth and programming errors. */
export function fail(results: Results, ops: readonly Slot[], error: unknown): void {
  const failure = toWriteFailure(error);
  if (failure === undefined || isAuthFailure(error)) throw error;
  for (const { index, key } of ops) results[index] = { key, ok: false, error: failure };
}

/** Runs `call`; a vendor failure becomes the result of the given operations. Resolves whether it succeeded. */
export async function attempt(results: Results, ops: readonly Slot[], call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    fail(results, ops, error);
    return false;
  }
}

/** Records that the operation in `slot` wrote Odoo record `id`. */
export function succeed(results: Results, slot: Slot, id: number, created: boolean): void {
  results[slot.index] = { key: slot.key, ok: true, id: String(id), created };
}

/** A multi-record call failed for a user/validation reason: worth replaying one record at a time. */
export const splittable = (error: unknown): boolean =>
  error instanceof VendorError && !error.retryable && !isAuthFailure(error);

/** The batch's results in operation order; an operation nothing answered for is reported retryable. */
export function finish(results: Results, operations: readonly WriteOperation[]): WriteResult[] {
  return results.map(
    (result, i): WriteResult =>
      result ?? {
        key: operations[i]?.key ?? '',
        ok: false,
        error: { code: 'NO_RESULT', message: 'no outcome was recorded for this operation', retryable: true },
      },
  );
}
