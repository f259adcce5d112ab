/**
 * The `tandem` CLI (commander). Every command takes --config; run, backfill and status take
 * --json and then print exactly one JSON object on stdout (logs go to stderr).
 */
import { Command, CommanderError, Option } from 'commander';
import { isConfigError, describeError, TandemError } from '../errors.js';
import { EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE } from './exit-codes.js';
import { processOutput, type Output } from './output.js';
import { backfillCommand, runCommand } from './commands/run.js';
import { dlqCommand } from './commands/dlq.js';
import { driftCommand } from './commands/drift.js';
import { reportsCommand } from './commands/reports.js';
import { conflictsCommand } from './commands/conflicts.js';
import { mappingTestCommand } from './commands/mapping.js';
import { sandboxCommand } from './commands/sandbox.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';

export async function main(argv: readonly string[], out: Output = processOutput): Promise<number> {
  let exitCode = EXIT_OK;
  const configOption = (): Option => new Option('-c, --config <file>', 'config file').default('config.yaml');
  const program = new Command()
    .name('tandem')
    .description('Keeps a CRM and an ERP in agreement.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();

  const guard = (action: () => Promise<number>) => async () => {
    try {
      exitCode = await action();
    } catch (error) {
      out.error(`tandem: ${describeError(error)}`);
      exitCode = isConfigError(error) || isSecretOrUsage(error) ? EXIT_USAGE : EXIT_RUN_FAILED;
    }
  };

  program
    .command('start')
    .description('run every sync on its schedule until SIGINT / SIGTERM')
    .addOption(configOption())
    .option('--wait', 'when another daemon holds a sync, wait and take it over once free, instead of exiting 1')
    .action(function (this: Command) {
      return guard(() => startCommand(this.opts<{ config: string; wait?: boolean }>()))();
    });
  program
    .command('run')
    .description('run one incremental run of a sync and exit')
    .argument('<sync>', 'sync name')
    .addOption(configOption())
    .option('--json', 'print one JSON object')
    .option('--dry-run', 'print the plan (creates, updates, archives per side, with field diffs); write nothing')
    .option(
      '--wait [seconds]',
      'when another process holds the sync, wait for it (at most SECONDS) instead of exiting 1',
    )
    .action(function (this: Command, sync: string) {
      return guard(() =>
        runCommand(
          sync,
          this.opts<{ config: string; json?: boolean; dryRun?: boolean; wait?: boolean | string }>(),
          out,
        ),
      )();
    });
  program
    .command('backfill')
    .description('re-read a sync from a date (or from the beginning) and write what differs; resumes an unfinished one')
    .argument('<sync>', 'sync name')
    .addOption(configOption())
    .option('--since <date>', 'ISO date or date-time, e.g. 2024-01-01')
    .option('--restart', 'start over instead of resuming an unfinished backfill')
    .option('--json', 'print one JSON object')
    .option('--dry-run', 'print the plan (creates, updates, archives per side, with field diffs); write nothing')
    .option(
      '--wait [seconds]',
      'when another process holds the sync, wait for it (at most SECONDS) instead of exiting 1',
    )
    .action(function (this: Command, sync: string) {
      return guard(() =>
        backfillCommand(
          sync,
          this.opts<{
            config: string;
            json?: boolean;
            since?: string;
            restart?: boolean;
            dryRun?: boolean;
            wait?: boolean | string;
          }>(),
          out,
        ),
      )();
    });
  program
    .command('status')
    .description('checkpoints, last runs, outbox, dead letters and links of every sync')
    .addOption(configOption())
    .option('--json', 'print one JSON object')
    .action(function (this: Command) {
      return guard(() => statusCommand(this.opts<{ config: string; json?: boolean }>(), out))();
    });
  program
    .command('validate')
    .description('check the config, the mappings, and the mapped fields against the connectors')
    .addOption(configOption())
    .option('--offline', 'check files only; do not contact the connectors')
    .action(function (this: Command) {
      return guard(() => validateCommand(this.opts<{ config: string; offline?: boolean }>(), out))();
    });
  program
    .command('dlq')
    .description('dead letters: list, show <id>, retry <id> (back to the outbox, same key), drop <id>')
    .argument('<action>', 'list, show, retry or drop')
    .argument('[id]', 'dead-letter id (show, retry, drop)')
    .addOption(configOption())
    .option('--sync <name>', 'only this sync (list)')
    .option('--json', 'print JSON')
    .action(function (this: Command, action: string, id: string | undefined) {
      return guard(() => {
        if (action !== 'list' && action !== 'show' && action !== 'retry' && action !== 'drop') {
          throw new TandemError('USAGE', `unknown dlq action "${action}"; use list, show, retry or drop`);
        }
        return dlqCommand(action, id, this.opts<{ config: string; json?: boolean; sync?: string }>(), out);
      })();
    });
  program
    .command('conflicts')
    .description('the conflict queue: list, show <id>, resolve <id> --take crm|erp | --value V')
    .argument('<action>', 'list, show or resolve')
    .argument('[id]', 'conflict id (show, resolve)')
    .addOption(configOption())
    .option('--sync <name>', 'only this sync (list)')
    .option('--all', 'resolved ones too (list)')
    .option('--take <side>', 'resolve with the value of crm or erp')
    .option('--value <value>', 'resolve with this value (JSON or text)')
    .option('--json', 'print JSON')
    .action(function (this: Command, action: string, id: string | undefined) {
      return guard(() => {
        if (action !== 'list' && action !== 'show' && action !== 'resolve') {
          throw new TandemError('USAGE', `unknown conflicts action "${action}"; use list, show or resolve`);
        }
        return conflictsCommand(action, id, this.opts(), out);
      })();
    });
  program
    .command('mapping')
    .description('mapping tools: test <file> --input record.json prints the mapped record')
    .argument('<action>', 'test')
    .argument('<file>', 'mapping file')
    .requiredOption('--input <file>', "a record as JSON (the vendor's shape, or { id, fields })")
    .option('--direction <direction>', 'crm-to-erp or erp-to-crm', 'crm-to-erp')
    .option('--links <file>', 'links and catalogs as JSON, for references and lookups')
    .action(function (this: Command, action: string, file: string) {
      return guard(() => {
        if (action !== 'test') throw new TandemError('USAGE', `unknown mapping action "${action}"; use test`);
        return mappingTestCommand(file, this.opts(), out);
      })();
    });
  program
    .command('drift')
    .description('scan both systems for drift and write a report; --repair enqueues the fixes policy dictates')
    .argument('<sync>', 'sync name')
    .addOption(configOption())
    .option('--format <list>', "comma-separated: html, md, json, csv (default: the sync's drift.formats, or html,json)")
    .option('--out <dir>', 'where the report files go (default: reportsDir, <dataDir>/reports)')
    .option('--repair', 'enqueue and deliver the repairs through the outbox')
    .option('--dry-run', 'with --repair: print the repair plan, write nothing to either system')
    .option('--wait [seconds]', 'with --repair: when another process holds the sync, wait for it (at most SECONDS)')
    .option('--json', 'print one JSON object')
    .action(function (this: Command, sync: string) {
      return guard(() => driftCommand(sync, this.opts(), out))();
    });
  program
    .command('reports')
    .description('drift reports kept in the state store: list')
    .argument('<action>', 'list')
    .addOption(configOption())
    .option('--sync <name>', 'only this sync')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--json', 'print one JSON object')
    .action(function (this: Command, action: string) {
      return guard(() => {
        if (action !== 'list') throw new TandemError('USAGE', `unknown reports action "${action}"; use list`);
        return reportsCommand(this.opts(), out);
      })();
    });
  program
    .command('sandbox')
    .description('run the embedded sandbox servers alone until SIGINT / SIGTERM')
    .addOption(configOption())
    .action(function (this: Command) {
      return guard(() => sandboxCommand(this.opts<{ config: string }>(), out))();
    });

  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0
        ? EXIT_OK
        : EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}

function isSecretOrUsage(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SECRET_MISSING' || error.code === 'USAGE')
  );
}

export { EXIT_RUN_FAILED };
