/**
 * The commands that look at a setup and its state: `status`, `validate`, `mapping test`, `drift`,
 * `reports`; and `migrate`, which brings the state's schema up to date.
 */
import type { Command } from 'commander';
import { TandemError } from '../../errors.js';
import { driftCommand } from '../commands/drift.js';
import { mappingTestCommand } from '../commands/mapping.js';
import { migrateCommand } from '../commands/migrate.js';
import { reportsCommand } from '../commands/reports.js';
import { statusCommand } from '../commands/status.js';
import { validateCommand } from '../commands/validate.js';
import type { CommandContext } from './context.js';

/** `tandem status`: checkpoints, runs, outbox, dead letters and links. */
export function registerStatus(program: Command, { configOption, guard, out }: CommandContext): void {
  program
    .command('status')
    .description('checkpoints, last runs, outbox, dead letters and links of every sync')
    .addOption(configOption())
    .option('--json', 'print one JSON object')
    .action(function (this: Command) {
      return guard(() => statusCommand(this.opts<{ config: string; json?: boolean }>(), out))();
    });
}

/** `tandem migrate`: the state store's schema brought up to date (PostgreSQL: before a deploy). */
export function registerMigrate(program: Command, { configOption, guard, out }: CommandContext): void {
  program
    .command('migrate')
    .description("apply the state store's pending schema migrations and exit (PostgreSQL: run before deploying)")
    .addOption(configOption())
    .option('--json', 'print one JSON object')
    .action(function (this: Command) {
      return guard(() => migrateCommand(this.opts<{ config: string; json?: boolean }>(), out))();
    });
}

/** `tandem validate`: the config, the mappings and the mapped fields. */
export function registerValidate(program: Command, { configOption, guard, out }: CommandContext): void {
  program
    .command('validate')
    .description('check the config, the mappings, and the mapped fields against the connectors')
    .addOption(configOption())
    .option('--offline', 'check files only; do not contact the connectors')
    .action(function (this: Command) {
      return guard(() => validateCommand(this.opts<{ config: string; offline?: boolean }>(), out))();
    });
}

/** `tandem mapping test <file> --input record.json`. */
export function registerMapping(program: Command, { guard, out }: CommandContext): void {
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
}

/** `tandem drift <sync>`: scan, report, optionally repair. */
export function registerDrift(program: Command, { configOption, guard, out }: CommandContext): void {
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
}

/** `tandem reports list`: drift reports kept in the state store. */
export function registerReports(program: Command, { configOption, guard, out }: CommandContext): void {
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
}
