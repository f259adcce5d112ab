/**
 * What the scan decides per pair and per unlinked record, with the same rules a run applies: the
 * three-way merge for linked pairs, the references then the match keys (one candidate each way
 * pairs; several is a duplicate key) for the rest, and the sync's delete policy for tombstones.
 */
import type { Side } from '../mapping/resolver.js';
import type { CanonicalValues } from '../mapping/types.js';
import type { Value } from '../mapping/values.js';
import type { SyncDefinition } from '../pipeline/context.js';
import { merge } from '../pipeline/merge.js';
import {
  DRIFT_CATEGORIES,
  type CategoryCounts,
  type DriftCategory,
  type DriftRow,
  type FieldDiff,
} from './report-schema.js';
import type { PairRow, Scratch } from './scratch.js';
import { mergeRow } from './merge-rows.js';
import { pairUrls } from './urls.js';

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
    if (name in result.toErp) diffs.push({ ...values, winner: 'crm', action: 'write the crm value to erp' });
    else if (name in result.toCrm) diffs.push({ ...values, winner: 'erp', action: 'write the erp value to crm' });
    else if (result.conflicts.some((c) => c.field === name))
      diffs.push({ ...values, winner: 'manual', action: 'open a conflict for a person' });
  }
  return diffs;
}

const parse = (json: string | null): CanonicalValues => (json === null ? {} : (JSON.parse(json) as CanonicalValues));

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
  const ids = { crmId: pair.crm_id, erpId: pair.erp_id, label: pair.c_label ?? pair.e_label };
  if (!crmAlive || !erpAlive) {
    const [gone, alive] = crmAlive ? (['erp', 'crm'] as const) : (['crm', 'erp'] as const);
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
  if (pair.c_status !== 'ok' || pair.e_status !== 'ok') {
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
  const diffs = fieldDiffs(
    sync,
    parse(pair.c_canonical),
    parse(pair.e_canonical),
    JSON.parse(pair.base) as CanonicalValues,
    { crm: pair.c_modified ?? '', erp: pair.e_modified ?? '' },
    blocked,
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
    detail: `${diffs.length} field${diffs.length === 1 ? '' : 's'} differ: ${diffs.map((d) => d.field).join(', ')}`,
    action: summarizeActions(diffs),
    repairable: true,
    fields: diffs,
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

function summarizeActions(diffs: readonly FieldDiff[]): string {
  const to = (winner: FieldDiff['winner']) => diffs.filter((d) => d.winner === winner).length;
  const parts = [
    to('crm') > 0 ? `update erp (${to('crm')})` : null,
    to('erp') > 0 ? `update crm (${to('erp')})` : null,
    to('manual') > 0 ? `open ${to('manual')} conflict${to('manual') === 1 ? '' : 's'}` : null,
  ];
  return parts.filter((p) => p !== null).join(', ');
}

/**
 * Records no link names: paired by a reference or a match key (one candidate each way) they
 * should be linked; with no candidate at all they miss a counterpart; several candidates are a
 * duplicate key, reported once per value below.
 */
export function unlinkedRows(sync: SyncDefinition, scratch: Scratch, tally: Tally): void {
  const keyOrder = (k: number) => (k < 0 ? k - 10 : k); // references first, then the match keys in order
  for (const side of ['crm', 'erp'] as const) {
    const them: Side = side === 'crm' ? 'erp' : 'crm';
    let after = '';
    for (;;) {
      const records = scratch.unlinked(side, after, 1000);
      if (records.length === 0) break;
      after = records[records.length - 1]?.id ?? after;
      for (const record of records) {
        let outcome: 'match' | 'ambiguous' | 'none' = 'none';
        let taken: { k: number; value: string } | undefined;
        for (const key of scratch.keys(side, record.id).sort((a, b) => keyOrder(a.k) - keyOrder(b.k))) {
          const candidates = scratch.unlinkedWith(them, key.k, key.value);
          if (candidates.length === 0) {
            if (taken === undefined && scratch.anyWith(them, key.k, key.value)) taken = key;
            continue;
          }
          const mine = scratch.unlinkedWith(side, key.k, key.value);
          const [only] = candidates;
          if (candidates.length === 1 && mine.length === 1 && only !== undefined) {
            outcome = 'match';
            scratch.claim(side, record.id);
            scratch.claim(them, only);
            const counterpart = scratch.record(them, only);
            const [crmId, erpId] = side === 'crm' ? [record.id, only] : [only, record.id];
            const [crm, erp] = side === 'crm' ? [record, counterpart] : [counterpart, record];
            const diffs = fieldDiffs(sync, parse(crm?.canonical ?? null), parse(erp?.canonical ?? null), null, {
              crm: crm?.modified_at ?? '',
              erp: erp?.modified_at ?? '',
            });
            const how = key.k < 0 ? 'the reference' : `match key ${describeKey(sync, key.k)}`;
            const row = found(tally, 'unlinked_match', {
              crmId,
              erpId,
              label: crm?.label ?? erp?.label ?? key.value,
              detail: `not linked, but ${how} pairs them (${key.value})`,
              action: diffs.length === 0 ? 'link them' : `link them, then ${summarizeActions(diffs)}`,
              repairable: true,
              fields: diffs,
            });
            emit(scratch, sync, row);
          } else {
            outcome = 'ambiguous';
            // Match keys are reported below, once per value; a reference several records share, here.
            if (key.k < 0) {
              const row = found(tally, 'duplicate_key', {
                crmId: side === 'crm' ? record.id : null,
                erpId: side === 'erp' ? record.id : null,
                label: record.label ?? key.value,
                detail: `the reference "${key.value}" is carried by ${them} ${candidates.join(', ')}${mine.length > 1 ? ` and ${side} ${mine.join(', ')}` : ''}`,
                action: 'correct the reference field on the records that should not carry it',
                repairable: false,
                fields: [],
              });
              emit(scratch, sync, row);
            }
          }
          break;
        }
        if (outcome === 'ambiguous') continue;
        if (outcome === 'none' && side === 'erp' && sync.config.direction !== 'both') continue;
        tally.scope++;
        if (outcome === 'match') continue;
        if (taken !== undefined) {
          // Its key belongs to a record already linked to another: creating it would make a duplicate.
          const how = taken.k < 0 ? 'reference' : describeKey(sync, taken.k);
          const row = found(tally, 'duplicate_key', {
            crmId: side === 'crm' ? record.id : null,
            erpId: side === 'erp' ? record.id : null,
            label: record.label ?? taken.value,
            detail: `not linked, and its ${how} "${taken.value}" is that of a ${them} record already linked to another`,
            action: `merge or correct it in the ${side}; it is not created in the ${them}`,
            repairable: false,
            fields: [],
          });
          emit(scratch, sync, row);
          continue;
        }
        const row = found(tally, 'missing_counterpart', {
          crmId: side === 'crm' ? record.id : null,
          erpId: side === 'erp' ? record.id : null,
          label: record.label,
          detail: `exists in the ${side} only`,
          action: `create it in the ${them}`,
          repairable: true,
          fields: [],
        });
        emit(scratch, sync, row);
      }
    }
  }
  for (const dup of scratch.duplicates()) {
    const row = found(tally, 'duplicate_key', {
      crmId: null,
      erpId: null,
      label: dup.value,
      detail: `${dup.n} ${dup.side} records share ${describeKey(sync, dup.k)} "${dup.value}": ${dup.ids}`,
      action: `merge or correct them in the ${dup.side}; until then they are not matched`,
      repairable: false,
      fields: [],
    });
    emit(scratch, sync, row);
  }
}

function describeKey(sync: SyncDefinition, k: number): string {
  const key = sync.mapping.matchKeys[k];
  return key === undefined ? `#${k}` : `${key.crm} = ${key.erp}`;
}
