/** `tandem start`: the daemon. Logs go to stdout as JSON lines (pino). */
import { openApp } from '../../app.js';
import { runDaemon } from '../../daemon/daemon.js';
import { EXIT_OK } from '../exit-codes.js';

export async function startCommand(flags: { readonly config: string }): Promise<number> {
  const app = await openApp(flags.config);
  try {
    await runDaemon(app);
  } finally {
    await app.close();
  }
  return EXIT_OK;
}
