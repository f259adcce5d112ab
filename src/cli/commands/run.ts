/** `tandem run <sync>` and `tandem backfill <sync> [--since DATE]`: one run, then exit. */
import { TandemError } from '../../errors.js';
import { SyncRunner } from '../../daemon/sync-runner.js';
import type { RunKind, RunStats } from '../../pipeline/context.js';
import { dependenciesOf } from '../../daemon/order.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes.js';
import { describeRun, type Output } from '../output.js';
import { findSync, openForCommand, untilSignal } from './common.js';

interface RunFlags {
  readonly config: string;
  readonly json?: boolean;
  readonly since?: string;
}

export function runCommand(syncName: string, flags: RunFlags, out: Output): Promise<number> {
  return runOnce(syncName, 'incremental', flags, out);
}

export function backfillCommand(syncName: string, flags: RunFlags, out: Output): Promise<number> {
  return runOnce(syncName, 'backfill', flags, out);
}

async function runOnce(syncName: string, kind: RunKind, flags: RunFlags, out: Output): Promise<number> {
  const since = flags.since === undefined ? undefined : parseSince(flags.since);
  const app = await openForCommand(flags.config);
  const controller = new AbortController();
  const signals = untilSignal(controller);
  try {
    const sync = findSync(app, syncName);
    // Syncs this one references (companies for contacts) run first, incrementally.
    const before: RunStats[] = [];
    for (const dep of dependenciesOf(app.syncs, syncName)) {
      const depSync = app.syncs[dep];
      if (depSync === undefined) continue;
      before.push(
        await new SyncRunner({
          sync: depSync,
          store: app.store,
          logger: app.logger,
          signal: controller.signal,
        }).trigger('incremental'),
      );
    }
    const runner = new SyncRunner({ sync, store: app.store, logger: app.logger, signal: controller.signal });
    const stats = await runner.trigger(kind, since);
    const dependencies = before.map((d) => ({ sync: d.sync, status: d.status, written: d.written, failed: d.failed }));
    if (flags.json === true) out.json({ ...stats, dependencies });
    else for (const s of [...before, stats]) out.line(describeRun(s));
    const failed = [...before, stats].some((s) => s.status === 'failed' || s.status === 'paused');
    return failed ? EXIT_RUN_FAILED : EXIT_OK;
  } finally {
    signals.dispose();
    await app.close();
  }
}

/** Accepts an ISO date or date-time; returns ISO 8601 UTC. */
export function parseSince(text: string): string {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new TandemError('USAGE', `--since "${text}" is not a date; write e.g. 2024-01-01 or 2024-01-01T12:00:00Z`);
  return new Date(time).toISOString();
}
