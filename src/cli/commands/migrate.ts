/**
 * `tandem migrate`: brings the state store's schema up to date and exits. A PostgreSQL store is
 * only ever migrated here (run it once before deploying a new Tandem: daemons refuse a schema that
 * is behind); a SQLite store also migrates itself at every start, so this is optional there.
 */
import { migrateStore } from '../../../state/index.js';
import { createLogger } from '../../logger.js';
import { preflight } from '../../preflight.js';
import { stateLocation } from '../../runtime/state-location.js';
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';

export async function migrateCommand(
  flags: { readonly config: string; readonly json?: boolean },
  out: Output,
): Promise<number> {
  const { config } = preflight(flags.config, { connect: false });
  const logger = createLogger({
    level: config.logLevel,
    destination: 2,
    redact: config.logRedact,
    file: config.logFile,
  });
  const { location, applied } = await migrateStore(stateLocation(config, logger, true));
  if (flags.json === true) out.json({ location, applied });
  else if (applied.length === 0) out.line(`${location}: schema up to date`);
  else out.line(`${location}: applied ${applied.length} migration(s): ${applied.join(', ')}`);
  return EXIT_OK;
}
