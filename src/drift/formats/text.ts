/**
 * The machine and ticket formats of a drift report: JSON (exactly `driftReportSchema`), CSV (one
 * line per field difference, RFC 4180, safe to open in a spreadsheet) and Markdown (the summary
 * and the first rows, for tickets and chat).
 */
import { CATEGORY_LABELS, DRIFT_CATEGORIES, type DriftReport, type DriftRow } from '../report-schema.js';
import { cell, Sink } from './sink.js';
import { shownValue, type ReferenceNames } from './values.js';

export type ReportHead = Omit<DriftReport, 'rows'>;

export function writeJson(file: string, head: ReportHead, rows: Iterable<DriftRow>): void {
  const sink = new Sink(file);
  try {
    const top = JSON.stringify(head, null, 2);
    sink.write(`${top.slice(0, top.lastIndexOf('}')).trimEnd()},\n  "rows": [`);
    let first = true;
    for (const row of rows) {
      sink.write(`${first ? '\n' : ',\n'}    ${JSON.stringify(row)}`);
      first = false;
    }
    sink.write(first ? ']\n}\n' : '\n  ]\n}\n');
  } finally {
    sink.close();
  }
}

/** One line per field difference (one per row when a row has no fields). */
export function* flatten(
  rows: Iterable<DriftRow>,
): Generator<{ row: DriftRow; field: DriftRow['fields'][number] | undefined }> {
  for (const row of rows) {
    if (row.fields.length === 0) yield { row, field: undefined };
    for (const field of row.fields) yield { row, field };
  }
}

const CSV_COLUMNS = [
  'category',
  'crm_id',
  'erp_id',
  'label',
  'field',
  'crm_value',
  'erp_value',
  'base_value',
  'winner',
  'action',
  'detail',
  'crm_url',
  'erp_url',
  'name',
  'crm_modified',
  'erp_modified',
] as const;

/** Quotes a CSV field; a leading = + - @ is defused so a spreadsheet never runs a vendor's value as a formula. */
function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function writeCsv(file: string, rows: Iterable<DriftRow>): void {
  const sink = new Sink(file);
  try {
    sink.write(`${CSV_COLUMNS.join(',')}\r\n`);
    for (const { row, field } of flatten(rows)) {
      const values = [
        row.category,
        row.crmId ?? '',
        row.erpId ?? '',
        row.label ?? '',
        field?.field ?? '',
        cell(field?.crm),
        cell(field?.erp),
        cell(field?.base),
        field?.winner ?? '',
        field?.action ?? row.action,
        row.detail,
        row.urls.crm ?? '',
        row.urls.erp ?? '',
        row.name ?? '',
        row.modified?.crm ?? '',
        row.modified?.erp ?? '',
      ];
      sink.write(`${values.map(csvField).join(',')}\r\n`);
    }
  } finally {
    sink.close();
  }
}

/** Markdown table cell: one line, pipes escaped; a value (not the action, said in full) cut at 80 characters. */
function md(value: unknown, limit = Number.POSITIVE_INFINITY): string {
  const text = cell(value).replace(/\s+/g, ' ').replaceAll('|', '\\|');
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

export function delta(now: number, before: number | undefined): string {
  if (before === undefined) return '';
  const d = now - before;
  return d === 0 ? '±0' : d > 0 ? `+${d}` : String(d);
}

export function writeMarkdown(
  file: string,
  head: ReportHead,
  rows: Iterable<DriftRow>,
  maxRows: number,
  references: ReferenceNames = new Map(),
): void {
  const sink = new Sink(file);
  const s = head.summary;
  const prev = s.previous;
  try {
    sink.write(`# Drift report: ${head.sync}\n\n`);
    sink.write(
      `${head.generatedAt} · ${head.crm.connector} ${head.crm.object} (${s.records.crm}) ↔ ${head.erp.connector} ${head.erp.object} (${s.records.erp})\n\n`,
    );
    sink.write(
      `**${percent(s.agreement)} in agreement** (${s.inAgreement} of ${s.linked} linked pairs agree)` +
        (prev === null
          ? ''
          : `; ${percent(prev.agreement)} at the previous report (#${prev.id}, ${prev.generatedAt})`) +
        `. ${s.repairable} row${s.repairable === 1 ? '' : 's'} \`tandem drift ${head.sync} --repair\` would fix.\n\n`,
    );
    sink.write(`| category | count | change |\n| --- | ---: | ---: |\n`);
    for (const c of DRIFT_CATEGORIES)
      sink.write(`| ${CATEGORY_LABELS[c]} | ${s.categories[c]} | ${delta(s.categories[c], prev?.categories[c])} |\n`);
    sink.write(`\n| category | record | crm | erp | field | crm value | erp value | base | wins | action |\n`);
    sink.write(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n`);
    let written = 0;
    let more = 0;
    for (const { row, field } of flatten(rows)) {
      if (written >= maxRows) {
        more++;
        continue;
      }
      const id = (value: string | null, url: string | undefined) =>
        value === null ? '' : url === undefined ? md(value) : `[${md(value)}](${url})`;
      const value = (v: unknown): string =>
        field === undefined ? '' : md(shownValue(field.field, v, references) ?? '(empty)', 80);
      sink.write(
        `| ${CATEGORY_LABELS[row.category]} | ${md(row.name ?? row.label)} | ${id(row.crmId, row.urls.crm)} | ${id(row.erpId, row.urls.erp)} | ` +
          `${md(field?.field)} | ${value(field?.crm)} | ${value(field?.erp)} | ${value(field?.base)} | ${field?.winner ?? ''} | ` +
          `${md(field?.action ?? `${row.detail}: ${row.action}`)} |\n`,
      );
      written++;
    }
    if (more > 0) sink.write(`\n…and ${more} more lines: see the JSON or CSV report.\n`);
  } finally {
    sink.close();
  }
}
