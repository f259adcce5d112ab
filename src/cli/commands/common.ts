/** Shared by the commands: opening the app with logs on stderr, finding a sync, waiting for a signal. */
import { openApp, type App, type AppOptions } from '../../app.js';
import { loadConfig } from '../../config/load.js';
import { TandemError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import type { SyncDefinition } from '../../pipeline/context.js';

/** Opens the app with logs on stderr, so stdout carries only the command's own output. */
export async function openForCommand(configFile: string, options: Omit<AppOptions, 'logger'> = {}): Promise<App> {
  const config = loadConfig(configFile);
  return openApp(configFile, {
    ...options,
    logger: createLogger({ level: config.logLevel, destination: 2, redact: config.logRedact }),
  });
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
