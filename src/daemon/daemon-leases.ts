/**
 * The daemon's hold on its syncs: at start it takes the lease of every enabled sync and keeps them
 * (heartbeat) until it stops. Another daemon holding one of them refuses the start (exit 1, naming
 * it), or with `--wait` this daemon waits for it: it runs what it holds and takes the rest over as
 * soon as they are free. A sync held by a command (`tandem run`, a backfill, a repair) is skipped,
 * with a log line, until that command finishes.
 */
import type { StateStore } from '../../state/index.js';
import type { Logger } from '../logger.js';
import { describeHolder, leaseHeldError } from '../leases/describe.js';
import { keeperGate, type LeaseGate } from '../leases/gate.js';
import { LeaseKeeper } from '../leases/keeper.js';

export interface DaemonLeaseOptions {
  readonly store: StateStore;
  readonly logger: Logger;
  /** The enabled syncs this daemon drives. */
  readonly syncs: readonly string[];
  /** Wait for syncs another daemon holds instead of refusing to start. */
  readonly wait: boolean;
  /** A sync whose lease was taken after the start (it was held elsewhere): run it now. */
  readonly onAcquired: (sync: string) => void;
  /** How often syncs held elsewhere are tried again. Default 2000 ms. */
  readonly pollMs?: number;
  readonly ttlMs?: number;
}

export interface DaemonLeases {
  readonly gate: LeaseGate;
  /** Stops trying and frees every lease held (after the runs in flight finished). */
  release(): Promise<void>;
}

export async function holdDaemonLeases(options: DaemonLeaseOptions): Promise<DaemonLeases> {
  const { store, logger } = options;
  const keeper = new LeaseKeeper({
    store,
    purpose: 'daemon',
    logger,
    ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
  });
  const waiting = new Set<string>();
  const taken = (sync: string): void => {
    waiting.delete(sync);
    logger.info({ sync, token: keeper.storeFor(sync)?.lease?.token }, `lease of ${sync} acquired`);
  };
  const inner = keeperGate(keeper);
  // A trigger may take a freed lease before the retry timer does: either way, say so once.
  const gate: LeaseGate = {
    async enter(sync) {
      const had = keeper.holds(sync);
      const entry = await inner.enter(sync);
      if (!had && 'store' in entry && waiting.has(sync)) taken(sync);
      return entry;
    },
  };
  await acquireAtStart(keeper, waiting, options);
  const stop = retryWhileRunning(keeper, waiting, taken, options);
  return {
    gate,
    async release() {
      await stop();
      await keeper.releaseAll();
    },
  };
}

/** Takes every sync's lease it can; one held by another daemon refuses the start unless it waits. */
async function acquireAtStart(keeper: LeaseKeeper, waiting: Set<string>, options: DaemonLeaseOptions): Promise<void> {
  for (const sync of options.syncs) {
    const result = await keeper.tryAcquire(sync);
    if (result.acquired) continue;
    waiting.add(sync);
    if (result.holder.purpose === 'daemon' && !options.wait) {
      await keeper.releaseAll();
      throw leaseHeldError(sync, result.holder);
    }
    options.logger.warn(
      { sync, holder: result.holder.owner, purpose: result.holder.purpose },
      `${sync} is held by ${describeHolder(result.holder)}; its runs are skipped until it is free, then this daemon takes it over`,
    );
  }
}

/**
 * Tries the syncs held elsewhere every `pollMs` (one try at a time) and runs each as soon as it is
 * taken; returns what stops the timer once the try in flight has finished.
 */
function retryWhileRunning(
  keeper: LeaseKeeper,
  waiting: Set<string>,
  taken: (sync: string) => void,
  options: DaemonLeaseOptions,
): () => Promise<void> {
  let busy = false;
  let stopped = false;
  const retry = async (): Promise<void> => {
    for (const sync of [...options.syncs]) {
      if (stopped) return;
      if (keeper.holds(sync)) continue;
      const result = await keeper.tryAcquire(sync);
      if (!result.acquired) {
        waiting.add(sync);
        continue;
      }
      const wasWaiting = waiting.has(sync);
      taken(sync);
      if (wasWaiting) options.onAcquired(sync);
    }
  };
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    retry()
      .catch((error: unknown) => options.logger.warn({ error: String(error) }, 'lease retry failed'))
      .finally(() => (busy = false));
  }, options.pollMs ?? 2000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    while (busy) await new Promise((resolve) => setTimeout(resolve, 10));
  };
}
