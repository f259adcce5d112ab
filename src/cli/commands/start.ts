/** `tandem start`: the daemon. Logs go to stdout as JSON lines (pino). */
import { openApp } from '../../app.js';
import { runDaemon } from '../../daemon/daemon.js';
import { EXIT_OK } from '../exit-codes.js';
import { checkMappedFields } from './common.js';

/** `--wait`: wait for syncs another daemon holds instead of exiting 1. */
export async function startCommand(flags: { readonly config: string; readonly wait?: boolean }): Promise<number> {
  // The server's token and webhook secrets are checked with the connectors', before anything starts.
  const app = await openApp(flags.config, { server: true });
  try {
    // A mapped field the connectors do not have refuses to start (exit 2). A vendor that cannot be
    // reached now is only a warning: the daemon's runs retry it, and a service must still start.
    const enabled = Object.values(app.syncs).filter((s) => s.config.enabled);
    await checkMappedFields(
      app,
      enabled.map((s) => s.name),
      (unreachable) => {
        for (const problem of unreachable)
          app.logger.warn({ problem }, 'mapped fields not checked: the connector did not answer');
      },
    );
    await runDaemon(app, { waitForLeases: flags.wait === true });
  } finally {
    await app.close();
  }
  return EXIT_OK;
}
