/**
 * The calls of a Tryton write batch, as jobs (one record each). Tryton runs each call in one
 * transaction: one bad record fails a whole `create` list or multi-record `write`. The call is then
 * replayed one record at a time so only that record fails.
 */
import { VendorError } from '../../src/errors.js';
import type { WriteResult } from '../types.js';
import { CONCURRENCY, isAuthFailure, toWriteFailure } from './errors.js';
import type { TrytonRpc } from './rpc.js';
import { idsSchema, nullSchema } from './schemas.js';

/** One slot per operation of the batch, by its position; `undefined` until something answered. */
export type Results = Array<WriteResult | undefined>;

/** The values of one `create` or `write`, as trytond takes them. */
export type Vals = Record<string, unknown>;

/** One record's write: its target, values and `_timestamp` context entries, and the operation it answers. */
export interface Job {
  readonly index: number;
  readonly key: string;
  readonly id: number | null;
  readonly vals: Vals;
  readonly timestamps: Readonly<Record<string, string>>;
}

/** A failed result. */
export const failed = (key: string, code: string, message: string, retryable = false): WriteResult => ({
  key,
  ok: false,
  error: { code, message, retryable },
});

/** A multi-record call failed for one record's reason: worth replaying one record at a time. */
const splittable = (error: unknown): boolean =>
  error instanceof VendorError && !isAuthFailure(error) && (!error.retryable || error.code === CONCURRENCY);

/** `model.create` of the jobs' values; resolves the new ids in job order. */
export const createJobs = (rpc: TrytonRpc, model: string, jobs: readonly Job[]): Promise<number[]> =>
  rpc.model(model, 'create', [jobs.map((j) => j.vals)], idsSchema, { readOnly: false });

/** One `model.write` of every job, with their `_timestamp`s in the context; resolves the jobs' ids. */
export async function writeJobs(rpc: TrytonRpc, model: string, jobs: readonly Job[]): Promise<number[]> {
  await rpc.model(
    model,
    'write',
    jobs.flatMap((j) => [[j.id], j.vals]),
    nullSchema,
    {
      readOnly: false,
      context: { _timestamp: Object.assign({}, ...jobs.map((j) => j.timestamps)) as Record<string, string> },
    },
  );
  return jobs.map((j) => j.id as number);
}

/**
 * Runs `call` for all jobs at once, then one by one when a record spoiled the group, recording each
 * job's result; auth and programming errors are rethrown.
 */
export async function runJobs(
  results: Results,
  jobs: readonly Job[],
  call: (group: readonly Job[]) => Promise<readonly number[]>,
  created: boolean,
): Promise<void> {
  if (jobs.length === 0) return;
  const settle = (group: readonly Job[], ids: readonly number[]): void =>
    group.forEach((j, i) => (results[j.index] = { key: j.key, ok: true, id: String(ids[i] ?? j.id), created }));
  const fail = (group: readonly Job[], error: unknown): void => {
    const failure = toWriteFailure(error);
    if (failure === undefined || isAuthFailure(error)) throw error;
    for (const j of group) results[j.index] = { key: j.key, ok: false, error: failure };
  };
  try {
    settle(jobs, await call(jobs));
    return;
  } catch (error) {
    if (!(jobs.length > 1 && splittable(error))) return fail(jobs, error);
  }
  for (const job of jobs) {
    try {
      settle([job], await call([job]));
    } catch (error) {
      fail([job], error);
    }
  }
}
