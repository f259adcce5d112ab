/** `tandem runs`: the run history, and `tandem runs show <id>`: what one run changed. */
import type { Command } from 'commander';
import { TandemError } from '../../errors.js';
import { runShowCommand, runsCommand } from '../commands/runs.js';
import type { CommandContext } from './context.js';

export function registerRuns(program: Command, { configOption, guard, out }: CommandContext): void {
  program
    .command('runs')
    .description('run history, newest first; runs show <id> lists what that run changed, field by field')
    .argument('[action]', 'show')
    .argument('[id]', 'the run id (show)')
    .addOption(configOption())
    .option('--sync <name>', 'only this sync')
    .option('--limit <n>', 'at most this many runs (default 50)')
    .option('--record <id>', 'show: only the changes to this record (either side’s id)')
    .option('--json', 'print one JSON object')
    .action(function (this: Command, action: string | undefined, id: string | undefined) {
      return guard(() => {
        if (action === undefined) return runsCommand(this.opts(), out);
        if (action !== 'show') throw new TandemError('USAGE', `unknown runs action "${action}"; use show <id>`);
        if (id === undefined) throw new TandemError('USAGE', 'tandem runs show needs a run id; tandem runs lists them');
        return runShowCommand(id, this.opts(), out);
      })();
    });
}
