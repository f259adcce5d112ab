/**
 * The commands that run syncs or the servers Tandem talks to: `start`, `run`, `backfill`, `sandbox`.
 */
import type { Command } from 'commander';
import { backfillCommand, runCommand } from '../commands/run.js';
import { sandboxCommand } from '../commands/sandbox.js';
import { startCommand } from '../commands/start.js';
import type { CommandContext } from './context.js';

const DRY_RUN = 'print the plan (creates, updates, archives per side, with field diffs); write nothing';
const WAIT = 'when another process holds the sync, wait for it (at most SECONDS) instead of exiting 1';

/** `tandem start`: the daemon. */
export function registerStart(program: Command, { configOption, guard }: CommandContext): void {
  program
    .command('start')
    .description('run every sync on its schedule until SIGINT / SIGTERM')
    .addOption(configOption())
    .option('--wait', 'when another daemon holds a sync, wait and take it over once free, instead of exiting 1')
    .action(function (this: Command) {
      return guard(() => startCommand(this.opts<{ config: string; wait?: boolean }>()))();
    });
}

/** `tandem run <sync>`: one incremental run. */
export function registerRun(program: Command, { configOption, guard, out }: CommandContext): void {
  program
    .command('run')
    .description('run one incremental run of a sync and exit')
    .argument('<sync>', 'sync name')
    .addOption(configOption())
    .option('--json', 'print one JSON object')
    .option('--dry-run', DRY_RUN)
    .option('--wait [seconds]', WAIT)
    .action(function (this: Command, sync: string) {
      return guard(() =>
        runCommand(
          sync,
          this.opts<{ config: string; json?: boolean; dryRun?: boolean; wait?: boolean | string }>(),
          out,
        ),
      )();
    });
}

/** `tandem backfill <sync>`: re-read from a date, resuming an unfinished backfill. */
export function registerBackfill(program: Command, { configOption, guard, out }: CommandContext): void {
  program
    .command('backfill')
    .description('re-read a sync from a date (or from the beginning) and write what differs; resumes an unfinished one')
    .argument('<sync>', 'sync name')
    .addOption(configOption())
    .option('--since <date>', 'ISO date or date-time, e.g. 2024-01-01')
    .option('--restart', 'start over instead of resuming an unfinished backfill')
    .option('--json', 'print one JSON object')
    .option('--dry-run', DRY_RUN)
    .option('--wait [seconds]', WAIT)
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
}

/** `tandem sandbox`: the embedded sandbox servers alone. */
export function registerSandbox(program: Command, { configOption, guard, out }: CommandContext): void {
  program
    .command('sandbox')
    .description('run the embedded sandbox servers alone until SIGINT / SIGTERM')
    .addOption(configOption())
    .action(function (this: Command) {
      return guard(() => sandboxCommand(this.opts<{ config: string }>(), out))();
    });
}
