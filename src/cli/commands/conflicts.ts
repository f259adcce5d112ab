/** `tandem conflicts list|show|resolve <id> --take crm|erp | --value V`: the conflict queue. */
import type { ConflictRow, StateStore } from '../../../state/index.js';
import { TandemError } from '../../errors.js';
import type { Value } from '../../mapping/values.js';
import { resolveConflict, type Resolution } from '../../pipeline/resolve-conflict.js';
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';
import { asRecord, parsed, recordName } from '../../words.js';
import { findSync, openForCommand } from './common.js';
import { conflictDetail, conflictLine } from './conflict-text.js';

interface ConflictFlags {
  readonly config: string;
  readonly json?: boolean;
  readonly sync?: string;
  readonly take?: string;
  readonly value?: string;
  readonly all?: boolean;
}

/** The linked pair's name, from the values both sides last agreed on (no vendor call). */
async function nameOf(store: StateStore, row: ConflictRow): Promise<string | undefined> {
  const link = (await store.links(row.sync, [row.crm_id])).get(row.crm_id);
  return link === undefined ? undefined : recordName(asRecord(parsed(link.base)));
}

function view(row: ConflictRow, name: string | undefined): Record<string, unknown> {
  return {
    id: row.id,
    sync: row.sync,
    name: name ?? null,
    crmId: row.crm_id,
    erpId: row.erp_id,
    field: row.field,
    kind: row.kind,
    crm: JSON.parse(row.crm_value) as unknown,
    erp: JSON.parse(row.erp_value) as unknown,
    base: JSON.parse(row.base_value) as unknown,
    status: row.status,
    resolution: row.resolution === null ? null : (JSON.parse(row.resolution) as unknown),
    createdAt: row.created_at,
  };
}

/** `--value` is read as JSON when it parses (42, true, null, "text"), else as plain text. */
export function parseValue(text: string): Value {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || ['string', 'number', 'boolean'].includes(typeof parsed)) return parsed as Value;
  } catch {
    // plain text
  }
  return text;
}

export async function conflictsCommand(
  action: 'list' | 'show' | 'resolve',
  idText: string | undefined,
  flags: ConflictFlags,
  out: Output,
): Promise<number> {
  if (action !== 'list' && idText === undefined)
    throw new TandemError('USAGE', `tandem conflicts ${action} needs a conflict id; see tandem conflicts list`);
  const app = await openForCommand(flags.config, { connect: action === 'resolve' });
  try {
    if (action === 'list') {
      const rows = await app.store.conflicts(flags.sync, flags.all === true ? 'all' : 'open');
      const named = await Promise.all(rows.map(async (r) => [r, await nameOf(app.store, r)] as const));
      if (flags.json === true) out.json({ conflicts: named.map(([r, name]) => view(r, name)) });
      else if (rows.length === 0) out.line('no open conflicts');
      else for (const [r, name] of named) out.line(conflictLine(r, name));
      return EXIT_OK;
    }
    const id = Number(idText);
    const row = Number.isInteger(id) ? await app.store.conflict(id) : undefined;
    if (row === undefined) throw new TandemError('USAGE', `no conflict #${idText ?? ''}; see tandem conflicts list`);
    if (action === 'show') {
      const name = await nameOf(app.store, row);
      if (flags.json === true) out.json(view(row, name));
      else for (const line of conflictDetail(row, name)) out.line(line);
      return EXIT_OK;
    }
    if ((flags.take === undefined) === (flags.value === undefined))
      throw new TandemError('USAGE', 'resolve takes one of --take crm|erp or --value V');
    if (flags.take !== undefined && flags.take !== 'crm' && flags.take !== 'erp')
      throw new TandemError('USAGE', `--take ${flags.take}: write crm or erp`);
    const resolution: Resolution =
      flags.take !== undefined ? { take: flags.take as 'crm' | 'erp' } : { value: parseValue(flags.value ?? '') };
    const sync = findSync(app, row.sync);
    const operations = await resolveConflict(
      { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
      row,
      resolution,
    );
    out.line(`conflict #${id} resolved; ${operations.length} write(s) queued for the next run of ${row.sync}`);
    return EXIT_OK;
  } finally {
    await app.close();
  }
}
