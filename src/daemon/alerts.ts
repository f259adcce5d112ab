/**
 * The daemon's alerts (config `alerts`): a notifier over the configured targets and a watch over
 * the state, checked after every run and every `checkEverySeconds`. Nothing here runs in a run's
 * path: a run's end only starts a check, which queues alerts the notifier sends in the background.
 */
import path from 'node:path';
import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import type { CircuitName } from '../runtime/breaker.js';
import type { SilenceState } from '../webhooks/silence.js';
import { AlertNotifier } from '../alerts/notifier.js';
import { targetHandles } from '../alerts/targets.js';
import { AlertWatch } from '../alerts/watch.js';

export interface DaemonAlerts {
  /** Starts a check now (after a run); returns at once. */
  check(): void;
  close(): Promise<void>;
}

export async function startAlerts(
  app: App,
  logger: Logger,
  silence: () => readonly SilenceState[],
): Promise<DaemonAlerts | undefined> {
  const config = app.config.alerts;
  if (config === undefined) return undefined;
  const log = logger.child({ component: 'alerts' });
  const notifier = new AlertNotifier({
    targets: targetHandles(config.targets, path.dirname(app.config.file)),
    logger: log,
    batchMs: config.batchMs,
    maxPerBatch: config.maxPerBatch,
    maxPerMinute: config.maxPerMinute,
  });
  const circuits = (): Map<string, CircuitName> =>
    new Map(
      Object.values(app.connectors).flatMap((c) => (c.circuit === undefined ? [] : [[c.name, c.circuit.state()]])),
    );
  const watch = new AlertWatch(
    (alert) => notifier.raise(alert),
    {
      store: app.store,
      syncs: () => Object.values(app.syncs).map((s) => ({ name: s.name, staleAfterMs: s.config.staleAfterMs })),
      circuits,
      silence,
      startedAt: Date.now(),
    },
    {
      consoleUrl: config.consoleUrl ?? app.config.server?.publicUrl,
      staleAfterMs: config.staleAfterMinutes * 60_000,
      driftBelow: config.driftBelow,
    },
    log,
  );
  await watch.prime();
  let checking: Promise<void> | undefined;
  const check = (): void => {
    checking ??= watch.check().finally(() => (checking = undefined));
  };
  const timer = setInterval(check, config.checkEverySeconds * 1000);
  timer.unref();
  log.info({ targets: config.targets.length }, 'alerts on');
  return {
    check,
    async close() {
      clearInterval(timer);
      await checking;
      await notifier.close();
    },
  };
}
