/**
 * `tandem drift <sync>`: scan both systems, write the report files and keep the summary;
 * `--repair` enqueues the fixes through the outbox and delivers them; `--repair --dry-run` prints
 * the repair plan and writes nothing to either system.
 */
import path from 'node:path';
import { REPORT_FORMATS, runDrift, type DriftOutcome, type ReportFormat } from '../../drift/drift.js';
import { DRIFT_CATEGORIES } from '../../drift/report-schema.js';
import { TandemError } from '../../errors.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes.js';
import type { Output } from '../output.js';
import { planTotals, printPlan } from '../plan.js';
import { delta, percent } from '../../drift/formats/text.js';
import type { App } from '../../app.js';
import { findSync, openForCommand, untilSignal } from './common.js';
import { holdCommandLeases, type WaitFlag } from './leases.js';
import type { LeaseKeeper } from '../../leases/keeper.js';

interface DriftFlags {
  readonly config: string;
  readonly format?: string;
  readonly out?: string;
  readonly repair?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  /** With --repair: wait for the sync's lease when another process holds it. */
  readonly wait?: WaitFlag;
}

export function parseFormats(text: string | undefined, fallback: readonly ReportFormat[]): ReportFormat[] {
  if (text === undefined) return [...fallback];
  const formats = text.split(',').map((f) => f.trim().toLowerCase());
  const bad = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length > 0 || formats.length === 0)
    throw new TandemError(
      'USAGE',
      `--format ${text}: unknown format ${bad.map((b) => `"${b}"`).join(', ')}; use a comma-separated list of ${REPORT_FORMATS.join(', ')}`,
    );
  return formats as ReportFormat[];
}

export async function driftCommand(syncName: string, flags: DriftFlags, out: Output): Promise<number> {
  if (flags.dryRun === true && flags.repair !== true)
    throw new TandemError('USAGE', '--dry-run plans a repair: use it with --repair (the scan alone never writes)');
  const controller = new AbortController();
  const signals = untilSignal(controller);
  // A repair writes through the outbox: one writer per sync. A scan alone only reads.
  let keeper: LeaseKeeper | undefined;
  const repairs = flags.repair === true && flags.dryRun !== true;
  let app: App;
  try {
    // A dry-run repair writes nothing, circuit-breaker state included.
    app = await openForCommand(flags.config, {
      sync: syncName,
      ...(flags.dryRun === true ? { persistBreakers: false } : {}),
      beforeConnect: async (opened) => {
        const options = {
          purpose: 'repair',
          withDependencies: false,
          wait: flags.wait,
          signal: controller.signal,
        } as const;
        if (repairs) keeper = await holdCommandLeases(opened, syncName, options, out);
      },
    });
  } catch (error) {
    signals.dispose();
    throw error;
  }
  try {
    const sync = findSync(app, syncName);
    const formats = parseFormats(flags.format, sync.config.drift?.formats ?? ['html', 'json']);
    const outcome = await runDrift(
      { sync, store: keeper?.storeFor(sync.name) ?? app.store, logger: app.logger, signal: controller.signal },
      {
        formats,
        outDir: flags.out === undefined ? app.config.reportsDir : path.resolve(flags.out),
        scratchDir: path.join(app.config.dataDir, 'scratch'),
        repair: flags.repair === true,
        dryRun: flags.dryRun === true,
      },
    );
    if (flags.json === true) printJson(out, sync.name, outcome);
    else printText(out, sync.name, outcome);
    const repair = outcome.repair;
    return repair !== undefined && repair.stats.status === 'failed' ? EXIT_RUN_FAILED : EXIT_OK;
  } finally {
    signals.dispose();
    await keeper?.releaseAll();
    await app.close();
  }
}

function printJson(out: Output, sync: string, outcome: DriftOutcome): void {
  const repair = outcome.repair;
  out.json({
    id: outcome.id,
    sync,
    generatedAt: outcome.head.generatedAt,
    summary: outcome.head.summary,
    files: outcome.files,
    ...(repair === undefined
      ? {}
      : {
          repair: {
            dryRun: repair.dryRun,
            plan: planTotals(repair.changes),
            conflicts: repair.conflicts,
            enqueued: repair.enqueued,
            blocked: repair.blocked,
            ...(repair.dryRun ? { changes: repair.changes } : { stats: repair.stats }),
          },
        }),
  });
}

/** The agreement, the categories with their change since the last report, the files, and the repair. */
function printText(out: Output, sync: string, outcome: DriftOutcome): void {
  const s = outcome.head.summary;
  const repair = outcome.repair;
  out.line(
    `${sync}: drift report #${outcome.id}: ${percent(s.agreement)} in agreement (${s.inAgreement} of ${s.linked} linked pairs agree; crm ${s.records.crm} records, erp ${s.records.erp})`,
  );
  const counts = DRIFT_CATEGORIES.filter((c) => s.categories[c] > 0 || (s.previous?.categories[c] ?? 0) > 0).map(
    (c) =>
      `${c} ${s.categories[c]}${s.previous === null ? '' : ` (${delta(s.categories[c], s.previous.categories[c])})`}`,
  );
  out.line(`  ${counts.length === 0 ? 'no drift' : counts.join(', ')}; ${s.repairable} repairable`);
  for (const [format, file] of Object.entries(outcome.files)) out.line(`  ${format}: ${file}`);
  if (repair === undefined) return;
  if (repair.dryRun) printPlan(out, 'repair plan', repair.changes);
  else
    out.line(
      `repair: ${repair.enqueued} writes enqueued${repair.blocked === 0 ? '' : ` (${repair.blocked} more already dead-lettered: tandem dlq list)`}, ${repair.conflicts} conflicts opened; written crm=${repair.stats.written.crm} erp=${repair.stats.written.erp}, failed ${repair.stats.failed}, pending ${repair.stats.pending}`,
    );
}
