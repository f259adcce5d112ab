/**
 * Scheduled drift reports: each sync with `drift.schedule` is scanned on its own cron, never
 * overlapping itself, and the report is written like `tandem drift` writes it. With
 * `drift.repair`, the fixes are enqueued in the outbox and the sync's run (through SyncControl,
 * so never beside another run of the sync) delivers them: one deliverer per outbox. Each scan
 * reads the sync's live definition from SyncControl, so a SIGHUP's `enabled: false` stops the
 * scans and its `staleAfterMs` is the one the report judges by; `drift.*` itself needs a restart.
 */
import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../app.js';
import { runDrift } from '../drift/drift.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GateEntry, LeaseGate } from '../leases/gate.js';
import type { SyncControl } from '../control/control.js';
import { cronLogger } from './cron-logger.js';

/** `gate`: the daemon's leases; a repair enqueues through the sync's fenced store, or waits for the next tick. */
export function scheduleDrift(
  app: App,
  control: SyncControl,
  logger: Logger,
  stop: AbortSignal,
  gate?: LeaseGate,
): ScheduledTask[] {
  const tasks: ScheduledTask[] = [];
  for (const sync of Object.values(app.syncs)) {
    const drift = sync.config.drift;
    if (drift?.schedule === undefined || !sync.config.enabled) continue;
    const task = cron.schedule(
      drift.schedule,
      async () => {
        // The live definition (SIGHUP reloads `enabled` and `staleAfterMs` into SyncControl).
        const live = control.definition(sync.name);
        if (stop.aborted || control.isPaused(sync.name) || !live.config.enabled) return;
        try {
          const entry: GateEntry =
            drift.repair && gate !== undefined ? await gate.enter(sync.name) : { store: app.store };
          if ('holder' in entry) {
            logger.info(
              { sync: sync.name, holder: entry.holder.owner },
              'scheduled drift report skipped: the sync is held elsewhere',
            );
            return;
          }
          const outcome = await runDrift(
            { sync: live, store: entry.store, logger, signal: stop },
            {
              formats: drift.formats,
              outDir: app.config.reportsDir,
              scratchDir: path.join(app.config.dataDir, 'scratch'),
              repair: drift.repair,
              deliver: false,
            },
          );
          const enqueued = outcome.repair?.changes.length ?? 0;
          if (enqueued > 0 && !stop.aborted) await control.scheduled(sync.name, 'schedule');
        } catch (error) {
          logger.error({ sync: sync.name, error: describeError(error) }, 'scheduled drift report failed');
        }
      },
      { name: `drift:${sync.name}`, noOverlap: true, logger: cronLogger(logger, `drift:${sync.name}`) },
    );
    tasks.push(task);
    logger.info({ sync: sync.name, schedule: drift.schedule, repair: drift.repair }, 'drift report scheduled');
  }
  return tasks;
}
