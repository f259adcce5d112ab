/**
 * What the scan decides per pair and per unlinked record, with the same rules a run applies: the
 * three-way merge for linked pairs, the references then the match keys (one candidate each way
 * pairs; several is a duplicate key) for the rest, and the sync's delete policy for tombstones.
 */
import type { CanonicalValues } from '../mapping/types.js';
import { sameValue, type Value } from '../mapping/values.js';
import type { SyncDefinition } from '../pipeline/context.js';
import { merge } from '../pipeline/merge.js';
import {
  DRIFT_CATEGORIES,
  type CategoryCounts,
  type DriftCategory,
  type DriftRow,
  type FieldDiff,
} from './report-schema.js';
import { recordName } from '../words.js';
import type { PairRow, Scratch } from './scratch.js';
import { mergeRow } from './merge-rows.js';
import { pairUrls } from './urls.js';
import { findingsOf } from './findings.js';

export interface Tally {
  counts: CategoryCounts;
  /** Linked pairs with at least one live record. */
  linked: number;
  inAgreement: number;
  /** Everything that should agree: live linked pairs, matchable pairs, records missing a counterpart. */
  scope: number;
  repairable: number;
}

type Found = { order: number; row: Omit<DriftRow, 'urls'> };

/** Writes a found row to the scratch file, with its records' links. */
export function emit(scratch: Scratch, sync: SyncDefinition, f: Found): void {
  scratch.addRow(f.order, JSON.stringify({ ...f.row, urls: pairUrls(sync, f.row) }));
}

const order = (category: DriftCategory): number => DRIFT_CATEGORIES.indexOf(category);

export function found(tally: Tally, category: DriftCategory, row: Omit<DriftRow, 'urls' | 'category'>): Found {
  tally.counts[category]++;
  if (row.repairable) tally.repairable++;
  return { order: order(category), row: { category, ...row } };
}

/** Field differences of a pair, with what policy does about each; empty when the pair agrees. */
export function fieldDiffs(
  sync: SyncDefinition,
  crm: CanonicalValues,
  erp: CanonicalValues,
  base: CanonicalValues | null,
  times: { crm: string; erp: string },
  blocked?: ReadonlySet<string>,
  /** The ERP record is locked (`locked` matches): what would be written to it is a conflict, as in a run. */
  locked = false,
): FieldDiff[] {
  const result = merge({
    fields: sync.mapping.fields,
    crm,
    erp,
    base,
    crmModifiedAt: times.crm,
    erpModifiedAt: times.erp,
    ...(blocked === undefined ? {} : { blocked }),
  });
  const diffs: FieldDiff[] = [];
  const baseOf = (field: string) => base?.[field] ?? null;
  for (const field of sync.mapping.fields) {
    const name = field.name;
    const values = { field: name, crm: crm[name] ?? null, erp: erp[name] ?? null, base: baseOf(name) };
    if (field.direction === 'none') {
      // Compared only: the merge leaves it out; a difference is reported, never written.
      if (name in crm && name in erp && !sameValue(values.crm, values.erp))
        diffs.push({ ...values, winner: 'none', action: 'none: compared only; correct the side that is wrong' });
    } else if (name in result.toErp && locked)
      diffs.push({ ...values, winner: 'manual', action: 'open a conflict for a person: the erp record is locked' });
    else if (name in result.toErp) diffs.push({ ...values, winner: 'crm', action: 'write the crm value to erp' });
    else if (name in result.toCrm) diffs.push({ ...values, winner: 'erp', action: 'write the erp value to crm' });
    else if (result.conflicts.some((c) => c.field === name))
      diffs.push({ ...values, winner: 'manual', action: 'open a conflict for a person' });
  }
  return diffs;
}

export const parse = (json: string | null): CanonicalValues =>
  json === null ? {} : (JSON.parse(json) as CanonicalValues);

function goneDetail(alive: number | null): string {
  return alive === null ? 'not found (deleted outright, or archived where reads hide archived records)' : 'archived';
}

export function classifyPair(
  sync: SyncDefinition,
  pair: PairRow,
  blocked: ReadonlySet<string> | undefined,
  tally: Tally,
  /** `<side>:<id>` of records gone from a linked pair -> the record their vendor merged them into. */
  merged?: ReadonlyMap<string, string>,
): Found | undefined {
  const crmAlive = pair.c_alive === 1;
  const erpAlive = pair.e_alive === 1;
  if (!crmAlive && !erpAlive) return undefined; // Gone on both sides: they agree.
  tally.linked++;
  tally.scope++;
  const ids = pairIds(pair);
  if (!crmAlive || !erpAlive) return oneSideGone(sync, pair, ids, tally, merged);
  if (pair.c_status !== 'ok' || pair.e_status !== 'ok') return refusedByMapping(pair, ids, tally);
  const diffs = fieldDiffs(
    sync,
    parse(pair.c_canonical),
    parse(pair.e_canonical),
    JSON.parse(pair.base) as CanonicalValues,
    { crm: pair.c_modified ?? '', erp: pair.e_modified ?? '' },
    blocked,
    pair.e_locked === 1,
  );
  if (diffs.length === 0) {
    tally.inAgreement++;
    return undefined;
  }
  const refused = unwritable(sync, diffs);
  if (refused !== undefined)
    return found(tally, 'unmappable', {
      ...ids,
      detail: refused,
      action: 'fix the record or the mapping; until then the write is dead-lettered',
      repairable: false,
      fields: diffs,
    });
  return found(tally, 'field_mismatch', {
    ...ids,
    detail: findingsOf(diffs, sync.mapping.fields),
    action: summarizeActions(diffs),
    // Differences in compared-only fields alone: nothing for a repair to write.
    repairable: diffs.some((d) => d.winner !== 'none'),
    fields: diffs,
  });
}

type PairIds = Pick<DriftRow, 'crmId' | 'erpId' | 'label' | 'name' | 'modified'>;

/** A pair's ids, label, name (from either side's values) and both modification times. */
function pairIds(pair: PairRow): PairIds {
  const name = recordName(parse(pair.c_canonical)) ?? recordName(parse(pair.e_canonical)) ?? null;
  return {
    crmId: pair.crm_id,
    erpId: pair.erp_id,
    label: pair.c_label ?? pair.e_label,
    name,
    modified: {
      ...(pair.c_modified === null ? {} : { crm: pair.c_modified }),
      ...(pair.e_modified === null ? {} : { erp: pair.e_modified }),
    },
  };
}

/** A linked pair with one record gone: merged into another, or archived / deleted, per the sync's `deletes`. */
function oneSideGone(
  sync: SyncDefinition,
  pair: PairRow,
  ids: PairIds,
  tally: Tally,
  merged: ReadonlyMap<string, string> | undefined,
): Found {
  const [gone, alive] = pair.c_alive === 1 ? (['erp', 'crm'] as const) : (['crm', 'erp'] as const);
  const merge = mergeRow(sync, pair, gone, merged);
  if (merge !== undefined) return found(tally, 'deleted_one_side', { ...ids, ...merge, fields: [] });
  const policy = sync.config.deletes;
  // Archived (or, deleted outright, since the link was last written), and the live record changed
  // after that: maybe restored on purpose; a person decides. The repair applies the same test.
  const goneAt = (gone === 'crm' ? pair.c_modified : pair.e_modified) ?? pair.updated_at;
  const aliveAt = alive === 'crm' ? pair.c_modified : pair.e_modified;
  const changedSince = goneAt !== null && aliveAt !== null && Date.parse(aliveAt) > Date.parse(goneAt);
  const action = changedSince
    ? `review it: the ${alive} record changed after the ${gone} record was archived (restored?)`
    : policy === 'archive'
      ? `archive the ${alive} record (a delete conflict instead if it was edited since the last sync)`
      : policy === 'report'
        ? 'review it: this sync reports deletes (deletes: report)'
        : 'none: this sync ignores deletes (deletes: ignore)';
  return found(tally, 'deleted_one_side', {
    ...ids,
    detail: `the ${gone} record is ${goneDetail(gone === 'crm' ? pair.c_alive : pair.e_alive)}; the ${alive} record is live`,
    action,
    repairable: policy === 'archive' && !changedSince,
    fields: [],
  });
}

/** A linked pair where the mapping refuses one side's record (or both). */
function refusedByMapping(pair: PairRow, ids: PairIds, tally: Tally): Found {
  const why = [
    pair.c_status === 'ok' ? null : `crm: ${pair.c_reason ?? pair.c_status ?? ''}`,
    pair.e_status === 'ok' ? null : `erp: ${pair.e_reason ?? pair.e_status ?? ''}`,
  ].filter((s) => s !== null);
  return found(tally, 'unmappable', {
    ...ids,
    detail: `the mapping refuses a linked record (${why.join('; ')})`,
    action: 'fix the record or the mapping; `tandem mapping test` shows why',
    repairable: false,
    fields: [],
  });
}

/** Why the winning values cannot be written to the other side (a required field left empty...), if so. */
function unwritable(sync: SyncDefinition, diffs: readonly FieldDiff[]): string | undefined {
  for (const [winner, target] of [
    ['crm', 'erp'],
    ['erp', 'crm'],
  ] as const) {
    const values = Object.fromEntries(
      diffs.filter((d) => d.winner === winner).map((d) => [d.field, (d[winner] ?? null) as Value]),
    );
    if (Object.keys(values).length === 0) continue;
    const encoded = sync.mapping.encode(target, values);
    if (!encoded.ok) return `the ${winner} values cannot be written to the ${target}: ${encoded.reason}`;
  }
  return undefined;
}

export function summarizeActions(diffs: readonly FieldDiff[]): string {
  const to = (winner: FieldDiff['winner']) => diffs.filter((d) => d.winner === winner).length;
  const parts = [
    to('crm') > 0 ? `update erp (${to('crm')})` : null,
    to('erp') > 0 ? `update crm (${to('erp')})` : null,
    to('manual') > 0 ? `open ${to('manual')} conflict${to('manual') === 1 ? '' : 's'}` : null,
    to('none') > 0 ? `check ${to('none')} compared-only field${to('none') === 1 ? '' : 's'} by hand` : null,
  ];
  return parts.filter((p) => p !== null).join(', ');
}
