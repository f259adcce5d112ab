/**
 * The `tandem` CLI (commander). Every command takes --config; run, backfill and status take
 * --json and then print exactly one JSON object on stdout (logs go to stderr). The commands are
 * registered from src/cli/program/, in the order `tandem --help` lists them.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE } from './exit-codes.js';
import { processOutput, type Output } from './output.js';
import { createCommandContext, type CommandContext } from './program/context.js';
import {
  registerDrift,
  registerMapping,
  registerMigrate,
  registerReports,
  registerStatus,
  registerValidate,
} from './program/inspect-commands.js';
import { registerRuns } from './program/history-commands.js';
import { registerConflicts, registerDlq, registerMatches } from './program/queue-commands.js';
import { registerBackfill, registerRun, registerSandbox, registerStart } from './program/run-commands.js';

/** Help order: the everyday commands first, the sandbox last. */
const REGISTRATIONS: ReadonlyArray<(program: Command, context: CommandContext) => void> = [
  registerStart,
  registerRun,
  registerBackfill,
  registerStatus,
  registerRuns,
  registerValidate,
  registerDlq,
  registerConflicts,
  registerMatches,
  registerMapping,
  registerDrift,
  registerReports,
  registerMigrate,
  registerSandbox,
];

/** Runs the CLI on `argv` (node, script, args...); resolves the process exit code. */
export async function main(argv: readonly string[], out: Output = processOutput): Promise<number> {
  let exitCode = EXIT_OK;
  const context = createCommandContext(out, (code) => {
    exitCode = code;
  });
  const program = new Command()
    .name('tandem')
    .description('Keeps a CRM and an ERP in agreement.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();
  for (const register of REGISTRATIONS) register(program, context);

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

export { EXIT_RUN_FAILED };
