/**
 * The long-lived service: every enabled sync on its node-cron schedule (and once at start when
 * `runOnStart`), never overlapping itself. SIGINT / SIGTERM stop scheduling, let each run in
 * flight finish the page in hand and persist it, then resolve so the process exits 0.
 *
 * With a `server:` block it also serves health, metrics, webhooks and the control API; runs that
 * a webhook or the API asks for go through the same per-sync runner, so they never overlap the
 * scheduled ones. SIGHUP re-reads the config file and applies what is safe without a restart:
 * log level, schedules and `enabled` of existing syncs, `staleAfterMs`, the server's token and
 * webhook settings (see docs/operations.md, "SIGHUP"); a config that fails to load is logged and
 * ignored. The syncs' reloaded keys live in SyncControl (`reconfigure`), where every reader finds
 * them; the other keys are named in a warning and need a restart. Drift reports run on their own
 * `drift.schedule` (src/daemon/drift-schedule.ts); a change to it takes a restart.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../app.js';
import { loadConfig, type Config } from '../config/load.js';
import { describeError } from '../errors.js';
import { REDACT_PATHS, type Logger } from '../logger.js';
import { SyncControl } from '../control/control.js';
import { API_VERSION } from '../server/openapi.js';
import { startAlerts, type DaemonAlerts } from './alerts.js';
import { cronLogger } from './cron-logger.js';
import { holdDaemonLeases } from './daemon-leases.js';
import { scheduleDrift } from './drift-schedule.js';
import { startServerRuntime, type ServerRuntime } from '../server/runtime.js';

export interface DaemonOptions {
  /** Stops the daemon when aborted (tests); signals are handled too unless `handleSignals` is false. */
  readonly signal?: AbortSignal;
  readonly handleSignals?: boolean;
  /** Wait for syncs another daemon holds (their leases) instead of refusing to start. */
  readonly waitForLeases?: boolean;
}

export async function runDaemon(app: App, options: DaemonOptions = {}): Promise<void> {
  const logger = daemonLogger(app);
  const stop = new AbortController();
  let server: ServerRuntime | undefined;
  // Set once the server (whose silence watch it reads) is up; a run finished before then is checked at the next tick.
  const alerts: { current?: DaemonAlerts | undefined } = {};
  const enabled = Object.values(app.syncs).filter((sync) => sync.config.enabled);
  // One writer per sync: a second daemon on this state store stops here (exit 1) unless it waits.
  const leases = await holdDaemonLeases({
    store: app.store,
    logger,
    syncs: enabled.map((s) => s.name),
    wait: options.waitForLeases === true,
    onAcquired: (sync) => void control.scheduled(sync, 'start'),
  });
  const control = new SyncControl({
    gate: leases.gate,
    syncs: Object.values(app.syncs),
    store: app.store,
    logger,
    signal: stop.signal,
    dataDir: app.config.dataDir,
    onRunFinished: (sync, stats, trigger) => {
      server?.runFinished(sync, stats, trigger);
      alerts.current?.check();
    },
  });
  const stopped = new Promise<string>((resolve) => {
    stop.signal.addEventListener('abort', () => resolve(String(stop.signal.reason ?? 'stop')), { once: true });
  });
  const scheduler = createScheduler(control, logger, stop.signal);
  const reload: ReloadTarget = { app, logger, control, scheduler, config: app.config, server: () => server };
  const unlisten = options.handleSignals === false ? () => {} : listenForSignals(logger, stop, reload);
  options.signal?.addEventListener('abort', () => stop.abort('stopped by caller'), { once: true });

  if (app.config.server?.enabled === true) {
    try {
      server = await startServerRuntime(app, app.config.server, control, API_VERSION);
    } catch (error) {
      // Nothing was scheduled yet: give the signal handlers and the leases back and fail the start.
      await leases.release();
      unlisten();
      throw error;
    }
  }
  alerts.current = await startAlerts(app, logger, () => server?.silence.states() ?? []);
  for (const sync of enabled) {
    scheduler.schedule(sync.name, sync.config.schedule);
    if (sync.config.runOnStart) void control.scheduled(sync.name, 'start');
  }
  const driftTasks = scheduleDrift(app, control, logger, stop.signal, leases.gate);
  logger.info({ syncs: enabled.map((s) => s.name) }, 'tandem started');

  const reason = await stopped;
  await scheduler.destroyAll();
  for (const task of driftTasks) await task.destroy();
  await control.idle();
  await leases.release();
  await server?.close();
  await alerts.current?.close();
  unlisten();
  logger.info({ reason }, 'tandem stopped');
}

/** The app's logger, with the config's `log.redact` (personal data) on top of the built-in secret paths. */
function daemonLogger(app: App): Logger {
  if (app.config.logRedact.length === 0) return app.logger;
  return app.logger.child({}, { redact: { paths: [...REDACT_PATHS, ...app.config.logRedact], censor: '[redacted]' } });
}

/** Each sync's cron task, never overlapping itself and idle once the daemon stops. */
export interface Scheduler {
  schedule(name: string, expression: string): void;
  unschedule(name: string): Promise<void>;
  destroyAll(): Promise<void>;
}

export function createScheduler(
  control: Pick<SyncControl, 'scheduled'>,
  logger: Logger,
  signal: AbortSignal,
): Scheduler {
  const tasks = new Map<string, ScheduledTask>();
  return {
    schedule(name, expression) {
      const task = cron.schedule(
        expression,
        async () => {
          if (!signal.aborted) await control.scheduled(name);
        },
        { name: `sync:${name}`, noOverlap: true, logger: cronLogger(logger, `sync:${name}`) },
      );
      tasks.set(name, task);
      logger.info({ sync: name, schedule: expression, next: task.getNextRun()?.toISOString() }, 'sync scheduled');
    },
    async unschedule(name) {
      await tasks.get(name)?.destroy();
      tasks.delete(name);
    },
    async destroyAll() {
      for (const task of tasks.values()) await task.destroy();
    },
  };
}

/** What a SIGHUP reconfigures; `config` is the one running now. */
interface ReloadTarget {
  readonly app: App;
  readonly logger: Logger;
  readonly control: SyncControl;
  readonly scheduler: Scheduler;
  readonly server: () => ServerRuntime | undefined;
  config: Config;
}

/** SIGINT / SIGTERM stop the daemon, SIGHUP reloads the config; returns what removes the handlers. */
function listenForSignals(logger: Logger, stop: AbortController, reload: ReloadTarget): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      logger.warn({ signal }, 'second signal: still finishing the page in hand');
      return;
    }
    logger.info({ signal }, 'stopping: finishing the page in hand');
    stop.abort(signal);
  };
  const onHangup = (): void => {
    let next: Config;
    try {
      next = loadConfig(reload.config.file);
    } catch (error) {
      logger.error({ error: describeError(error) }, 'SIGHUP: the config does not load; keeping the running one');
      return;
    }
    void applyReload(reload, next).catch((error: unknown) =>
      logger.error({ error: describeError(error) }, 'SIGHUP: reload failed'),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangup);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGHUP', onHangup);
  };
}

async function applyReload(target: ReloadTarget, next: Config): Promise<void> {
  const { app, logger, control, scheduler } = target;
  // pino children without a level of their own follow their parent's: the server, connectors
  // and runs follow these two.
  app.logger.level = next.logLevel;
  logger.level = next.logLevel;
  // The syncs take the reloaded keys in one place (SyncControl): the scheduler, webhooks,
  // readiness and drift reports all read them from there.
  const changes = control.reconfigure(next.syncs);
  const rescheduled: string[] = [];
  for (const [name, { applied, needRestart }] of Object.entries(changes)) {
    if (needRestart.length > 0)
      logger.warn({ sync: name, keys: needRestart }, 'SIGHUP: these keys changed and take effect after a restart');
    if (!applied.includes('schedule') && !applied.includes('enabled')) continue;
    const after = control.definition(name).config;
    await scheduler.unschedule(name);
    if (after.enabled) scheduler.schedule(name, after.schedule);
    rescheduled.push(name);
  }
  target.server()?.reconfigure(next);
  target.config = next;
  const added = Object.keys(next.syncs).filter((name) => !control.has(name));
  if (added.length > 0) logger.warn({ syncs: added }, 'SIGHUP: new syncs start after a restart');
  logger.info({ rescheduled }, 'SIGHUP: config and credentials reloaded');
}
