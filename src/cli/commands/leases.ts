/**
 * The leases a command takes before it writes (`run`, `backfill`, `drift --repair`): every sync it
 * drives, at once, or it exits 1 naming the holder; `--wait [SECONDS]` waits for them instead.
 */
import type { LeasePurpose } from '../../../state/index.js';
import type { App } from '../../app.js';
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

/** Takes the leases of `syncs` for this command; the caller releases them (`releaseAll`) when done. */
export async function holdCommandLeases(
  app: App,
  syncs: readonly string[],
  purpose: LeasePurpose,
  flag: WaitFlag,
  out: Output,
  signal: AbortSignal,
): Promise<LeaseKeeper> {
  const { wait, timeoutMs } = parseWait(flag);
  const keeper = new LeaseKeeper({ store: app.store, purpose, logger: app.logger });
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
