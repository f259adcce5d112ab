/** Shared by the commands: opening the app with logs on stderr, finding a sync, waiting for a signal. */
import { openApp, type App, type AppOptions } from '../../app.js';
import { loadConfigSource } from '../../config/load.js';
import { throwProblems } from '../../config/problems.js';
import { TandemError } from '../../errors.js';
import { checkLiveFields } from '../../pipeline/live-check.js';
import { createLogger } from '../../logger.js';
import type { SyncDefinition } from '../../pipeline/context.js';

/** Opens the app with logs on stderr, so stdout carries only the command's own output. */
export async function openForCommand(configFile: string, options: Omit<AppOptions, 'logger'> = {}): Promise<App> {
  // Only the log settings here: openApp's preflight reports every problem of the config at once.
  const { config } = loadConfigSource(configFile);
  return openApp(configFile, {
    ...options,
    logger: createLogger({ level: config.logLevel, destination: 2, redact: config.logRedact, file: config.logFile }),
  });
}

/**
 * Refuses, before anything is written, a run whose mappings name a field the connectors do not
 * have (ConfigError, exit 2, at the mapping key with "did you mean"). An object that cannot be
 * described is `onUnreachable`'s to judge: by default the command fails (exit 1), as its run would.
 */
export async function checkMappedFields(
  app: App,
  names: readonly string[],
  onUnreachable: (problems: readonly string[]) => void = (problems) => {
    throw new TandemError('DESCRIBE_FAILED', problems.join('\n'));
  },
): Promise<void> {
  const syncs = names.flatMap((name) => app.syncs[name] ?? []);
  const live = await checkLiveFields(syncs, Object.keys(app.syncs));
  throwProblems(live.problems);
  if (live.unreachable.length > 0) onUnreachable(live.unreachable);
}

export function findSync(app: App, name: string): SyncDefinition {
  const sync = app.syncs[name];
  if (sync === undefined) {
    throw new TandemError(
      'USAGE',
      `no sync named "${name}" in ${app.config.file}; have: ${Object.keys(app.config.syncs).join(', ') || 'none'}`,
    );
  }
  return sync;
}

/** Resolves on the first SIGINT or SIGTERM, and aborts `controller` then. */
export function untilSignal(controller?: AbortController): { done: Promise<NodeJS.Signals>; dispose(): void } {
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  const done = new Promise<NodeJS.Signals>((resolve) => {
    handler = (signal) => {
      controller?.abort(signal);
      resolve(signal);
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  });
  return {
    done,
    dispose() {
      if (handler !== undefined) {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      }
    },
  };
}
