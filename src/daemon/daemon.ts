/**
 * The long-lived service: every enabled sync on its node-cron schedule (and once at start when
 * `runOnStart`), never overlapping itself. SIGINT / SIGTERM stop scheduling, let each run in
 * flight finish the page in hand and persist it, then resolve so the process exits 0.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../app.js';
import { SyncRunner } from './sync-runner.js';

export interface DaemonOptions {
  /** Stops the daemon when aborted (tests); signals are handled too unless `handleSignals` is false. */
  readonly signal?: AbortSignal;
  readonly handleSignals?: boolean;
}

export async function runDaemon(app: App, options: DaemonOptions = {}): Promise<void> {
  const { logger } = app;
  const stop = new AbortController();
  const runners = Object.values(app.syncs)
    .filter((sync) => sync.config.enabled)
    .map((sync) => new SyncRunner({ sync, store: app.store, logger, signal: stop.signal }));

  const stopped = new Promise<string>((resolve) => {
    stop.signal.addEventListener('abort', () => resolve(String(stop.signal.reason ?? 'stop')), { once: true });
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      logger.warn({ signal }, 'second signal: still finishing the page in hand');
      return;
    }
    logger.info({ signal }, 'stopping: finishing the page in hand');
    stop.abort(signal);
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  options.signal?.addEventListener('abort', () => stop.abort('stopped by caller'), { once: true });

  const tasks: ScheduledTask[] = [];
  for (const runner of runners) {
    const sync = app.syncs[runner.name];
    if (sync === undefined) continue;
    const task = cron.schedule(
      sync.config.schedule,
      async () => {
        if (!stop.signal.aborted) await runner.trigger('incremental');
      },
      { name: `sync:${runner.name}`, noOverlap: true },
    );
    tasks.push(task);
    logger.info(
      { sync: runner.name, schedule: sync.config.schedule, next: task.getNextRun()?.toISOString() },
      'sync scheduled',
    );
    if (sync.config.runOnStart) void runner.trigger('incremental');
  }
  logger.info({ syncs: runners.map((r) => r.name) }, 'tandem started');

  const reason = await stopped;
  for (const task of tasks) await task.destroy();
  await Promise.all(runners.map((r) => r.idle()));
  if (handleSignals) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  logger.info({ reason }, 'tandem stopped');
}
