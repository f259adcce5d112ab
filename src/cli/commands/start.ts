/** `tandem start`: the daemon. Logs go to stdout as JSON lines (pino). */
import { openApp } from '../../app.js';
import { runDaemon } from '../../daemon/daemon.js';
import { EXIT_OK } from '../exit-codes.js';

/** `--wait`: wait for syncs another daemon holds instead of exiting 1. */
export async function startCommand(flags: { readonly config: string; readonly wait?: boolean }): Promise<number> {
  const app = await openApp(flags.config);
  try {
    await runDaemon(app, { waitForLeases: flags.wait === true });
  } finally {
    await app.close();
  }
  return EXIT_OK;
}
