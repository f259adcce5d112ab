/**
 * A dead letter in words, for `tandem dlq list` and `show`. Its `side` is the side the write was
 * for; its `record_id` is the record the write came from, on the other side.
 */
import type { DeadLetterRow } from '../../../state/index.js';
import { asRecord, oneLine, parsed, recordText, valueText } from '../../words.js';

const other = (side: string): string => (side === 'crm' ? 'erp' : 'crm');

interface LetterError {
  readonly code: string;
  readonly message: string;
  readonly attempts?: number;
  readonly vendor?: string;
}

/** The stored error: a code and a one-line message, with the attempts and the vendor's answer when kept. */
export function letterError(row: DeadLetterRow): LetterError {
  const error = asRecord(parsed(row.error));
  if (error === undefined) return { code: 'ERROR', message: oneLine(String(parsed(row.error))) };
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? oneLine(v) : undefined);
  const vendor = asRecord(error['vendor']);
  const status = typeof vendor?.['status'] === 'number' ? `HTTP ${vendor['status']}` : undefined;
  const body = text(vendor?.['body']);
  return {
    code: text(error['code']) ?? 'ERROR',
    message: text(error['message']) ?? text(error['reason']) ?? JSON.stringify(error),
    ...(typeof error['attempts'] === 'number' ? { attempts: error['attempts'] } : {}),
    ...(status === undefined && body === undefined
      ? {}
      : { vendor: [status, body].filter((p) => p !== undefined).join(': ') }),
  };
}

function what(row: DeadLetterRow, name: string | undefined, attempts: number | undefined): string {
  const source = recordText(name, { [other(row.side)]: row.record_id });
  if (row.stage === 'deliver')
    return `the write of ${source} to the ${row.side} was given up on${attempts === undefined ? '' : ` after ${attempts} attempt(s)`}`;
  if (row.stage === 'map') return `${source} could not be mapped for the ${row.side}`;
  return `${source}, on its way to the ${row.side}, stopped at ${row.stage}`;
}

/** `#4 contacts: the write of "Ada" (crm 7) to the erp was given up on after 5 attempt(s): CODE: message`. */
export function deadLetterLine(row: DeadLetterRow, name: string | undefined): string {
  const error = letterError(row);
  return `#${row.id} ${row.sync}: ${what(row, name, error.attempts)}: ${error.code}: ${error.message}`;
}

/** Every fact of one dead letter, a line each, the payload a field a line, and what to do next. */
export function deadLetterDetail(row: DeadLetterRow, name: string | undefined): string[] {
  const error = letterError(row);
  const lines = [
    `dead letter #${row.id} in sync ${row.sync}, ${row.created_at}`,
    `  what:    ${what(row, name, error.attempts)}`,
    `  error:   ${error.code}: ${error.message}`,
  ];
  if (error.vendor !== undefined) lines.push(`  vendor:  ${error.vendor}`);
  const payload = asRecord(parsed(row.payload));
  const heading = row.stage === 'deliver' ? `what was to be written to the ${row.side}` : 'the record as read';
  lines.push(`  payload (${heading}):`);
  if (payload === undefined || Object.keys(payload).length === 0) lines.push(`    ${valueText(parsed(row.payload))}`);
  else for (const [field, value] of Object.entries(payload)) lines.push(`    ${field}: ${valueText(value)}`);
  lines.push(
    row.stage === 'deliver'
      ? `  next:    fix the cause, then tandem dlq retry ${row.id} (same idempotency key), or tandem dlq drop ${row.id}`
      : `  next:    fix the mapping or the record, then tandem backfill ${row.sync}; tandem dlq drop ${row.id} once done`,
  );
  return lines;
}
