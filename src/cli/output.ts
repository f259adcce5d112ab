/** What commands print: one JSON object with --json, a short human summary otherwise. */
import type { RunStats } from '../pipeline/context.js';

export interface Output {
  json(value: unknown): void;
  line(text: string): void;
  error(text: string): void;
}

export const processOutput: Output = {
  json: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
  line: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

export function describeRun(stats: RunStats): string {
  const parts = [
    `pulled crm=${stats.pulled.crm} erp=${stats.pulled.erp}`,
    `written crm=${stats.written.crm} erp=${stats.written.erp} (created ${stats.created.crm + stats.created.erp}, updated ${stats.updated.crm + stats.updated.erp})`,
    `archived crm=${stats.archived.crm} erp=${stats.archived.erp}`,
    `unchanged ${stats.skipped} (echo crm=${stats.skippedAsEcho.crm} erp=${stats.skippedAsEcho.erp})`,
    `conflicts ${stats.conflicts}`,
    `waiting ${stats.waiting}`,
    `filtered ${stats.filtered}`,
    `ambiguous ${stats.ambiguous}`,
    `failed ${stats.failed}`,
    `dead-lettered ${stats.deadLettered}`,
    `pending ${stats.pending}`,
  ];
  return `${stats.sync}: ${stats.kind} run ${stats.status} in ${stats.durationMs} ms: ${parts.join(', ')}${stats.error === undefined ? '' : `\n  error: ${stats.error}`}`;
}
