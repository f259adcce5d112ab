/**
 * The commands over the queues a person works through: `dlq` (dead letters), `conflicts` and `matches`.
 */
import type { Command } from 'commander';
import { TandemError } from '../../errors.js';
import { conflictsCommand } from '../commands/conflicts.js';
import { dlqCommand } from '../commands/dlq.js';
import { matchesCommand } from '../commands/matches.js';
import type { CommandContext } from './context.js';

/** `tandem dlq list|show|retry|drop`. */
export function registerDlq(program: Command, { configOption, guard, out }: CommandContext): void {
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
}

/** `tandem conflicts list|show|resolve`. */
export function registerConflicts(program: Command, { configOption, guard, out }: CommandContext): void {
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
}

/** `tandem matches list [sync]` and `tandem matches link <sync> <id> <candidate>`. */
export function registerMatches(program: Command, { configOption, guard, out }: CommandContext): void {
  program
    .command('matches')
    .description(
      'ambiguous first-contact matches: list [sync], link <sync> <id> <candidate> (the next run uses the link)',
    )
    .argument('<action>', 'list or link')
    .argument('[args...]', 'list: [sync]; link: <sync> <id> <candidate> (id may be written crm:<id> or erp:<id>)')
    .addOption(configOption())
    .option('--json', 'print JSON')
    .action(function (this: Command, action: string, args: string[]) {
      return guard(() => {
        if (action !== 'list' && action !== 'link')
          throw new TandemError('USAGE', `unknown matches action "${action}"; use list or link`);
        return matchesCommand(action, args, this.opts<{ config: string; json?: boolean }>(), out);
      })();
    });
}
