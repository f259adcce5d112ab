/**
 * `tandem dlq list|show|retry|drop`: the dead letters, read and handled from the state store.
 * A retry puts the operation back in the outbox with the same idempotency key, so the vendor-side
 * protections (upsert by key, create-if-absent) still hold; the next run delivers it. A record that
 * could not be mapped (a deal naming a product the ERP lacked) is mapped again by the next run.
 */
import type { DeadLetterRow, StateStore } from '../../../state/index.js';
import { TandemError } from '../../errors.js';
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';
import { asRecord, parsed, recordName } from '../../words.js';
import { openForCommand } from './common.js';
import { deadLetterDetail, deadLetterLine } from './dlq-text.js';

interface DlqFlags {
  readonly config: string;
  readonly json?: boolean;
  readonly sync?: string;
}

/**
 * The source record's name: from the values its link last agreed on, else from the payload (the
 * record as read, or what was to be written). No vendor call.
 */
async function nameOf(store: StateStore, row: DeadLetterRow): Promise<string | undefined> {
  const source = row.side === 'crm' ? 'erp' : 'crm';
  const link = (await store.linksBySide(row.sync, source, [row.record_id])).get(row.record_id);
  return (
    (link === undefined ? undefined : recordName(asRecord(parsed(link.base)))) ??
    recordName(asRecord(parsed(row.payload)))
  );
}

function view(row: DeadLetterRow, name: string | undefined): Record<string, unknown> {
  const source = row.side === 'crm' ? 'erp' : 'crm';
  return {
    id: row.id,
    sync: row.sync,
    side: row.side,
    // `side` is where the write was going; the record it came from is on the other side.
    sourceSide: source,
    [`${source}Id`]: row.record_id,
    name: name ?? null,
    stage: row.stage,
    recordId: row.record_id,
    operationKey: row.operation_key,
    error: JSON.parse(row.error) as unknown,
    payload: JSON.parse(row.payload) as unknown,
    createdAt: row.created_at,
  };
}

function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0)
    throw new TandemError('USAGE', `"${text}" is not a dead-letter id; see tandem dlq list`);
  return id;
}

export async function dlqCommand(
  action: 'list' | 'show' | 'retry' | 'drop',
  idText: string | undefined,
  flags: DlqFlags,
  out: Output,
): Promise<number> {
  if (action !== 'list' && idText === undefined)
    throw new TandemError('USAGE', `tandem dlq ${action} needs a dead-letter id; see tandem dlq list`);
  const app = await openForCommand(flags.config, { connect: false });
  try {
    if (action === 'list') {
      const rows = await app.store.deadLetters(flags.sync);
      const named = await Promise.all(rows.map(async (r) => [r, await nameOf(app.store, r)] as const));
      if (flags.json === true) out.json({ deadLetters: named.map(([r, name]) => view(r, name)) });
      else if (rows.length === 0) out.line('no dead letters');
      else for (const [r, name] of named) out.line(deadLetterLine(r, name));
      return EXIT_OK;
    }
    const id = parseId(idText ?? '');
    const row = await app.store.deadLetter(id);
    if (row === undefined) throw new TandemError('USAGE', `no dead letter #${id}; see tandem dlq list`);
    if (action === 'show') {
      const name = await nameOf(app.store, row);
      if (flags.json === true) out.json(view(row, name));
      else for (const line of deadLetterDetail(row, name)) out.line(line);
    } else if (action === 'retry') {
      if (!(await app.store.retryDeadLetter(row))) {
        throw new TandemError(
          'USAGE',
          `dead letter #${id} is a record that could not be mapped (${row.stage}); fix the mapping, then run tandem backfill ${row.sync}`,
        );
      }
      out.line(
        row.operation_key === null
          ? `dead letter #${id}: record ${row.record_id} is mapped again by the next run of ${row.sync}`
          : `dead letter #${id} is back in the outbox (same idempotency key); the next run of ${row.sync} delivers it`,
      );
    } else {
      await app.store.dropDeadLetter(id);
      out.line(`dead letter #${id} dropped`);
    }
    return EXIT_OK;
  } finally {
    await app.close();
  }
}
