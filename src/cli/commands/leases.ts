/**
 * The leases a command takes before it writes (`run`, `backfill`, `drift --repair`): every sync it
 * drives, at once, or it exits 1 naming the holder; `--wait [SECONDS]` waits for them instead.
 */
import { isLeaseHeld, LeaseHeldError, type LeasePurpose, type StateStore } from '../../../state/index.js';
import type { OpenedState } from '../../app.js';
import { dependenciesOf } from '../../control/order.js';
import type { Logger } from '../../logger.js';
import { TandemError } from '../../errors.js';
import { describeHolder } from '../../leases/describe.js';
import { LeaseKeeper } from '../../leases/keeper.js';
import type { Output } from '../output.js';

/** `--wait` as commander gives it: absent, present (no limit), or present with SECONDS. */
export type WaitFlag = boolean | string | undefined;

export function parseWait(flag: WaitFlag): { wait: boolean; timeoutMs?: number } {
  if (flag === undefined || flag === false) return { wait: false };
  if (flag === true) return { wait: true };
  const seconds = Number(flag);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new TandemError(
      'USAGE',
      `--wait ${flag}: give a number of seconds (e.g. --wait 120), or --wait alone to wait without limit`,
    );
  return { wait: true, timeoutMs: seconds * 1000 };
}

/**
 * Takes the leases of `sync` and (`withDependencies`) the syncs it runs first, before the sandbox
 * and connectors start (`AppOptions.beforeConnect`). Resolves with the keeper, undefined for an
 * unknown sync (the command then says so); the caller releases the leases (`releaseAll`) when done.
 */
export async function holdCommandLeases(
  opened: OpenedState,
  sync: string,
  options: { purpose: LeasePurpose; withDependencies: boolean; wait: WaitFlag; signal: AbortSignal },
  out: Output,
): Promise<LeaseKeeper | undefined> {
  if (opened.syncs[sync] === undefined) return undefined;
  const syncs = options.withDependencies ? [...dependenciesOf(opened.syncs, sync), sync] : [sync];
  try {
    return await holdLeases(opened.store, opened.logger, syncs, options.purpose, options.wait, out, options.signal);
  } catch (error) {
    // `tandem run contacts` refused over companies: say why companies matters.
    if (isLeaseHeld(error) && error.holder.sync !== sync)
      throw new LeaseHeldError(`${sync} runs ${error.holder.sync} first, and ${error.message}`, error.holder);
    throw error;
  }
}

async function holdLeases(
  store: StateStore,
  logger: Logger,
  syncs: readonly string[],
  purpose: LeasePurpose,
  flag: WaitFlag,
  out: Output,
  signal: AbortSignal,
): Promise<LeaseKeeper> {
  const { wait, timeoutMs } = parseWait(flag);
  const keeper = new LeaseKeeper({ store, purpose, logger });
  await keeper.acquireAll(syncs, {
    wait,
    signal,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    onWaiting: (sync, holder) =>
      out.error(
        `tandem: waiting for sync "${sync}", held by ${describeHolder(holder)}${timeoutMs === undefined ? '' : ` (at most ${timeoutMs / 1000} s)`}`,
      ),
  });
  return keeper;
}
