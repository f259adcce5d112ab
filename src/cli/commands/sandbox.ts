/** `tandem sandbox`: the embedded sandbox servers alone, for exploring them with curl. */
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../logger.js';
import { SANDBOX_SECRETS, startSandbox } from '../../../sandbox/index.js';
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';
import { untilSignal } from './common.js';

export async function sandboxCommand(flags: { readonly config: string }, out: Output): Promise<number> {
  const config = loadConfig(flags.config);
  const logger = createLogger({ level: config.logLevel, destination: 2, file: config.logFile });
  const signals = untilSignal();
  const sandbox = await startSandbox(config.sandbox, config.dataDir, logger);
  out.line(`HubSpot-compatible CRM: ${sandbox.crm.url}  (Authorization: Bearer ${SANDBOX_SECRETS.crm.token})`);
  out.line(
    `Odoo-compatible ERP:    ${sandbox.erp.url}/jsonrpc  (db tandem, login admin, password ${SANDBOX_SECRETS.erp.password})`,
  );
  out.line('Press Ctrl-C to stop.');
  await signals.done;
  signals.dispose();
  await sandbox.close();
  return EXIT_OK;
}
