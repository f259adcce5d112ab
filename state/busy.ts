/**
 * Retries a unit of work while the database is locked by another process: `busy_timeout` already
 * waits inside SQLite; this covers what it cannot (a wait that ran out, a lock taken by a
 * checkpoint of the WAL) with exponential backoff and full jitter, then gives up with a typed
 * error. The work must be one transaction, so a retry repeats it whole.
 */
import { isBusy, StoreBusyError } from './errors.js';

export interface BusyRetry {
  /** Tries in all, the first included. Default 6. */
  readonly attempts?: number;
  /** First backoff, doubled per retry, capped at `maxDelayMs`. Defaults 50 and 2000. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work`, again while it fails busy; other errors pass through at once. */
export async function withBusyRetry<T>(file: string, work: () => Promise<T>, options: BusyRetry = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 50;
  const max = options.maxDelayMs ?? 2000;
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (attempt >= attempts) throw new StoreBusyError(file, attempts, error);
      await sleep(Math.floor(random() * Math.min(max, base * 2 ** (attempt - 1))));
    }
  }
}
