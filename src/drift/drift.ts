/**
 * One drift report of one sync, end to end: scan, summary with the change since the previous
 * report, the files in every asked format, the summary kept in the state store, and (asked) the
 * repair through the outbox, or its dry-run plan.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../pipeline/context.js';
import { objectOf } from '../pipeline/sides.js';
import { writeHtml } from './formats/html.js';
import { writeCsv, writeJson, writeMarkdown, type ReportHead } from './formats/text.js';
import { repair, type RepairOutcome } from './repair.js';
import { storedSummarySchema, type DriftRow, type DriftSummary } from './report-schema.js';
import { referenceNames } from './reference-names.js';
import { scanSync } from './scan.js';
import type { ReferenceNames } from './formats/values.js';

export const REPORT_FORMATS = ['html', 'md', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface DriftOptions {
  readonly formats: readonly ReportFormat[];
  /** Where report files go. */
  readonly outDir: string;
  /** Where the scan spills while it runs (a directory under the data dir). */
  readonly scratchDir: string;
  /** Enqueue the repairs the policies dictate. */
  readonly repair?: boolean;
  /** With `repair`: plan the repairs and write nothing to either system (the report is still written). */
  readonly dryRun?: boolean;
  /** With `repair`: deliver the enqueued writes at once (default), or leave them to the sync's next run. */
  readonly deliver?: boolean;
  readonly now?: () => Date;
  /** Lines shown in the HTML and Markdown files; JSON and CSV always hold every row. */
  readonly maxHtmlRows?: number;
  readonly maxMarkdownRows?: number;
}

export interface DriftOutcome {
  /** The report's id in the state store. */
  readonly id: number;
  readonly head: ReportHead;
  readonly files: Readonly<Partial<Record<ReportFormat, string>>>;
  readonly repair: RepairOutcome | undefined;
}

const stamp = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export async function runDrift(ctx: RunContext, options: DriftOptions): Promise<DriftOutcome> {
  const { sync, store, logger } = ctx;
  const now = options.now ?? (() => new Date());
  const started = now();
  const { scratch, summary } = await scanSync(ctx, { scratchDir: options.scratchDir, now });
  try {
    const last = await store.lastReport(sync.name);
    const before = last === undefined ? undefined : storedSummarySchema.safeParse(JSON.parse(last.summary));
    const previous: DriftSummary['previous'] =
      last === undefined || before === undefined || !before.success
        ? null
        : {
            id: last.id,
            generatedAt: last.generated_at,
            agreement: before.data.agreement,
            categories: before.data.categories,
          };
    const head: ReportHead = {
      version: 1,
      sync: sync.name,
      generatedAt: started.toISOString(),
      durationMs: Math.max(0, now().getTime() - started.getTime()),
      crm: { connector: sync.crm.name, object: objectOf(sync, 'crm') },
      erp: { connector: sync.erp.name, object: objectOf(sync, 'erp') },
      summary: { ...summary, previous },
    };
    const rows = (): Iterable<DriftRow> => mapRows(scratch.rows());
    const references = options.formats.some((f) => f === 'html' || f === 'md')
      ? await referenceNames(sync.mapping.fields, store, rows())
      : new Map<string, ReadonlyMap<string, string>>();
    const files = writeReportFiles(options, head, started, rows, references);
    const id = await store.addReport({
      sync: sync.name,
      generatedAt: head.generatedAt,
      durationMs: head.durationMs,
      summary,
      files,
      repaired: false,
    });
    logger.info(
      { sync: sync.name, report: id, agreement: summary.agreement, categories: summary.categories, files },
      'drift report written',
    );
    let repaired: RepairOutcome | undefined;
    if (options.repair === true) {
      repaired = await repair(ctx, rows(), {
        dryRun: options.dryRun === true,
        ...(options.deliver === undefined ? {} : { deliver: options.deliver }),
      });
      if (options.dryRun !== true) await store.markReportRepaired(id);
    }
    return { id, head, files, repair: repaired };
  } finally {
    scratch.close();
  }
}

/** The report in each format asked for, named `drift-<sync>-<time>.<format>`; returns the files by format. */
function writeReportFiles(
  options: DriftOptions,
  head: ReportHead,
  started: Date,
  rows: () => Iterable<DriftRow>,
  references: ReferenceNames,
): Partial<Record<ReportFormat, string>> {
  const files: Partial<Record<ReportFormat, string>> = {};
  fs.mkdirSync(options.outDir, { recursive: true, mode: 0o750 });
  const base = path.join(options.outDir, `drift-${head.sync}-${stamp(started)}`);
  for (const format of new Set(options.formats)) {
    const file = `${base}.${format}`;
    if (format === 'json') writeJson(file, head, rows());
    else if (format === 'csv') writeCsv(file, rows());
    else if (format === 'md') writeMarkdown(file, head, rows(), options.maxMarkdownRows ?? 500, references);
    else writeHtml(file, head, rows(), options.maxHtmlRows ?? 10_000, references);
    files[format] = file;
  }
  return files;
}

function* mapRows(rows: Iterable<{ json: string }>): Generator<DriftRow> {
  for (const row of rows) yield JSON.parse(row.json) as DriftRow;
}
