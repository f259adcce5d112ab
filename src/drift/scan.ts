/**
 * The drift scan of one sync: both sides are read in full, a page at a time, mapped to canonical
 * values and spilled to a scratch SQLite file with their match keys; the sync's links are copied
 * beside them; then every linked pair is merged against its base exactly as a run would, and the
 * records no link names are paired by the match keys. What disagrees becomes report rows (also in
 * the scratch file), so memory holds one page, whatever the size of the systems.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { Side } from '../mapping/resolver.js';
import type { CanonicalValues } from '../mapping/types.js';
import type { RunContext } from '../pipeline/context.js';
import { mergeMark, mergesOfVanished } from '../pipeline/merges.js';
import { PrefetchingResolver } from '../pipeline/resolver.js';
import { connectorOf, fieldsOf, objectOf } from '../pipeline/sides.js';
import { classifyPair, emit, type Tally } from './classify.js';
import { unlinkedRows } from './unlinked.js';
import { stateRows } from './state-rows.js';
import { emptyCounts, type DriftSummary } from './report-schema.js';
import { Scratch, type PairRow, type ScratchKey, type ScratchRecord } from './scratch.js';

export interface ScanOptions {
  /** Where the scratch file lives while the scan runs. */
  readonly scratchDir: string;
  readonly pageSize?: number;
  readonly now?: () => Date;
}

export interface ScanResult {
  /** Holds the report rows; the caller writes them out and closes it. */
  readonly scratch: Scratch;
  readonly summary: Omit<DriftSummary, 'previous'>;
}

const BATCH = 1000;

export async function scanSync(ctx: RunContext, options: ScanOptions): Promise<ScanResult> {
  const { sync, store } = ctx;
  const scratch = Scratch.open(options.scratchDir, `drift-${sync.name}`);
  try {
    for (const side of ['crm', 'erp'] as const) await readSide(ctx, side, scratch, options);
    let after = '';
    for (;;) {
      const links = await store.linksAfter(sync.name, after, BATCH);
      if (links.length === 0) break;
      scratch.addLinks(links);
      after = links[links.length - 1]?.crm_id ?? after;
    }
    scratch.markLinked();

    const tally: Tally = { counts: emptyCounts(), linked: 0, inAgreement: 0, scope: 0, repairable: 0 };
    const blocked = new Map<string, Set<string>>();
    for (const c of await store.conflicts(sync.name, 'open'))
      blocked.set(c.crm_id, (blocked.get(c.crm_id) ?? new Set()).add(c.field));
    let cursor = '';
    for (;;) {
      const pairs = scratch.pairs(cursor, BATCH);
      if (pairs.length === 0) break;
      const merged = await mergedAway(ctx, pairs);
      for (const pair of pairs) {
        const row = classifyPair(sync, pair, blocked.get(pair.crm_id), tally, merged);
        if (row !== undefined) emit(scratch, sync, row);
      }
      cursor = pairs[pairs.length - 1]?.crm_id ?? cursor;
    }
    unlinkedRows(sync, scratch, tally);
    await stateRows(sync, store, options.now?.() ?? new Date(), scratch, tally);

    const scope = tally.scope;
    return {
      scratch,
      summary: {
        records: { crm: scratch.count('crm'), erp: scratch.count('erp') },
        linked: tally.linked,
        inAgreement: tally.inAgreement,
        agreement: scope === 0 ? 1 : Math.round((tally.inAgreement / scope) * 10_000) / 10_000,
        categories: tally.counts,
        repairable: tally.repairable,
      },
    };
  } catch (error) {
    scratch.close();
    throw error;
  }
}

/** Every record of one side, read from the start and spilled into the scratch file. */
async function readSide(ctx: RunContext, side: 'crm' | 'erp', scratch: Scratch, options: ScanOptions): Promise<void> {
  const { sync, logger } = ctx;
  let read = 0;
  const pages = connectorOf(sync, side).reader.readChanges(objectOf(sync, side), {
    cursor: null,
    fields: fieldsOf(sync, side),
    pageSize: options.pageSize ?? sync.config.pageSize,
    signal: ctx.signal,
  });
  for await (const page of pages) {
    await spillPage(ctx, side, page.records, scratch);
    read += page.records.length;
    if (ctx.signal.aborted) throw new Error(`drift scan of ${sync.name} interrupted`);
  }
  logger.debug({ sync: sync.name, side, records: read }, 'drift scan read one side');
}

/** Records gone outright from live linked pairs that their vendor merged: `<side>:<id>` -> survivor. */
async function mergedAway(ctx: RunContext, pairs: readonly PairRow[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const side of ['crm', 'erp'] as const) {
    const ids = pairs.flatMap((p) =>
      mergeMark(p.base) === undefined &&
      (side === 'crm' ? p.c_alive === null && p.e_alive === 1 : p.e_alive === null && p.c_alive === 1)
        ? [side === 'crm' ? p.crm_id : p.erp_id]
        : [],
    );
    for (const event of await mergesOfVanished(ctx, side, ids))
      for (const loser of event.losers) out.set(`${side}:${loser}`, event.survivor);
  }
  return out;
}

/** Maps one page and writes it, with its match keys, to the scratch file. */
async function spillPage(
  ctx: RunContext,
  side: Side,
  records: readonly SourceRecord[],
  scratch: Scratch,
): Promise<void> {
  const { sync } = ctx;
  const resolver = new PrefetchingResolver(ctx.store, { crm: sync.crm, erp: sync.erp });
  const mapped = await resolver.prefetch(() =>
    records.map((r) => (r.deleted ? undefined : sync.mapping.canonical(side, r, resolver))),
  );
  const rows: ScratchRecord[] = [];
  const keys: ScratchKey[] = [];
  records.forEach((record, i) => {
    const result = mapped[i];
    const ok = result !== undefined && result.ok;
    rows.push({
      side,
      id: record.id,
      alive: !record.deleted,
      status: result === undefined ? 'deleted' : result.ok ? 'ok' : result.code,
      reason: result !== undefined && !result.ok ? result.reason : null,
      modifiedAt: record.modifiedAt,
      canonical: ok ? JSON.stringify(result.values satisfies CanonicalValues) : null,
      label: labelOf(sync.mapping.matchKeys, side, record),
      locked: side === 'erp' && ok && sync.mapping.policies.isLocked(record),
    });
    // A record waiting for a reference keeps its keys too: drift tells whether its counterpart exists.
    if (ok || (result !== undefined && !result.ok && result.code === 'WAITING_REFERENCE'))
      keys.push(...keysOf(ctx, side, record));
  });
  scratch.addRecords(rows, keys);
}

function labelOf(keys: RunContext['sync']['mapping']['matchKeys'], side: Side, record: SourceRecord): string | null {
  for (const key of keys) {
    const value = record.fields[side === 'crm' ? key.crm : key.erp];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return null;
}

/**
 * The values by which a record finds its counterpart: each match key's normalized value (k >= 0);
 * the ERP id a CRM record carries and the one an ERP record would be given (k = -1); the CRM id an
 * ERP record carries and the one a CRM record would be given (k = -2).
 */
function keysOf(ctx: RunContext, side: Side, record: SourceRecord): ScratchKey[] {
  const { mapping } = ctx.sync;
  const out: ScratchKey[] = [];
  mapping.matchKeys.forEach((key, k) => {
    const value = key.normalize(record.fields[side === 'crm' ? key.crm : key.erp]);
    if (value !== null) out.push({ side, k, value, id: record.id });
  });
  const text = (v: unknown): string | null =>
    typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
  const refs: [number, string | null][] = [
    [
      -1,
      mapping.crmReference === undefined
        ? null
        : side === 'crm'
          ? text(record.fields[mapping.crmReference.field])
          : mapping.crmReference.value(record),
    ],
    [-2, side === 'erp' ? text(record.fields[mapping.reference.field]) : mapping.reference.value(record)],
  ];
  for (const [k, value] of refs) if (value !== null) out.push({ side, k, value, id: record.id });
  return out;
}
