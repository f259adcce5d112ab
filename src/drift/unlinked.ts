/** The unlinked records of a drift scan: pairs to link, missing counterparts, duplicate keys. */
import { recordName } from '../words.js';
import type { Side } from '../mapping/resolver.js';
import type { SyncDefinition } from '../pipeline/context.js';
import { createsFrom } from '../pipeline/policies.js';
import type { RecordRow, Scratch } from './scratch.js';
import { emit, fieldDiffs, found, parse, summarizeActions, type Tally } from './classify.js';

/**
 * Records no link names: paired by a reference or a match key (one candidate each way) they
 * should be linked; with no candidate at all they miss a counterpart; several candidates are a
 * duplicate key, reported once per value below.
 */
export function unlinkedRows(sync: SyncDefinition, scratch: Scratch, tally: Tally): void {
  const scan: Scan = { sync, scratch, tally };
  for (const side of ['crm', 'erp'] as const) {
    let after = '';
    for (;;) {
      const records = scratch.unlinked(side, after, 1000);
      if (records.length === 0) break;
      after = records[records.length - 1]?.id ?? after;
      for (const record of records) unlinkedRecord(scan, side, record);
    }
  }
  for (const side of ['crm', 'erp'] as const) waitingRows(scan, side);
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

interface Scan {
  readonly sync: SyncDefinition;
  readonly scratch: Scratch;
  readonly tally: Tally;
}

type Key = { k: number; value: string };

/**
 * Records in scope with no counterpart that wait for a reference (a won deal whose customer is not
 * linked yet): missing on the other side, and a run creates them once what they wait for is linked.
 */
function waitingRows(scan: Scan, side: Side): void {
  const { sync, scratch, tally } = scan;
  const them: Side = side === 'crm' ? 'erp' : 'crm';
  if ((side === 'erp' && sync.config.direction !== 'both') || !createsFrom(sync, side)) return;
  let after = '';
  for (;;) {
    const records = scratch.waiting(side, after, 1000);
    if (records.length === 0) break;
    after = records[records.length - 1]?.id ?? after;
    for (const record of records) {
      // A counterpart carrying its reference or a match key exists: not missing (it waits to pair).
      if (scratch.keys(side, record.id).some((key) => scratch.anyWith(them, key.k, key.value))) continue;
      tally.scope++;
      const row = found(tally, 'missing_counterpart', {
        crmId: side === 'crm' ? record.id : null,
        erpId: side === 'erp' ? record.id : null,
        label: record.label,
        detail: `missing in the ${them}: not created yet, because ${record.reason ?? 'a reference is not linked yet'}`,
        action: `link what it waits for (run that sync, or fix its record); then a run creates it in the ${them}`,
        repairable: false,
        fields: [],
      });
      emit(scratch, sync, row);
    }
  }
}

const keyOrder = (k: number) => (k < 0 ? k - 10 : k); // references first, then the match keys in order

/** One unlinked record: paired, ambiguous, its key taken by a linked record, or missing on the other side. */
function unlinkedRecord(scan: Scan, side: Side, record: RecordRow): void {
  const { sync, scratch, tally } = scan;
  const them: Side = side === 'crm' ? 'erp' : 'crm';
  const { outcome, taken } = pairByKeys(scan, side, record);
  if (outcome === 'ambiguous') return;
  if (outcome === 'none' && side === 'erp' && sync.config.direction !== 'both') return;
  // `creates` names the other side: a record of this one with no counterpart is not missing one.
  if (outcome === 'none' && !createsFrom(sync, side)) return;
  tally.scope++;
  if (outcome === 'match') return;
  if (taken !== undefined) {
    // Its key belongs to a record already linked to another: creating it would make a duplicate.
    const how = taken.k < 0 ? 'reference' : describeKey(sync, taken.k);
    const row = found(tally, 'duplicate_key', {
      crmId: side === 'crm' ? record.id : null,
      erpId: side === 'erp' ? record.id : null,
      label: record.label ?? taken.value,
      ...facts([[side, record]]),
      detail: `not linked, and its ${how} "${taken.value}" is that of a ${them} record already linked to another`,
      action: `merge or correct it in the ${side}; it is not created in the ${them}`,
      repairable: false,
      fields: [],
    });
    emit(scratch, sync, row);
    return;
  }
  const row = found(tally, 'missing_counterpart', {
    crmId: side === 'crm' ? record.id : null,
    erpId: side === 'erp' ? record.id : null,
    label: record.label,
    ...facts([[side, record]]),
    detail: `missing in the ${them}: exists in the ${side} only`,
    action: `create it in the ${them}`,
    repairable: true,
    fields: [],
  });
  emit(scratch, sync, row);
}

/**
 * Tries the record's keys, references first: the first with candidates decides (one each way is a
 * match, reported and claimed here; more is ambiguous). `taken` is the first key only linked
 * records carry.
 */
function pairByKeys(
  scan: Scan,
  side: Side,
  record: RecordRow,
): { outcome: 'match' | 'ambiguous' | 'none'; taken: Key | undefined } {
  const { scratch } = scan;
  const them: Side = side === 'crm' ? 'erp' : 'crm';
  let taken: Key | undefined;
  for (const key of scratch.keys(side, record.id).sort((a, b) => keyOrder(a.k) - keyOrder(b.k))) {
    const candidates = scratch.unlinkedWith(them, key.k, key.value);
    if (candidates.length === 0) {
      if (taken === undefined && scratch.anyWith(them, key.k, key.value)) taken = key;
      continue;
    }
    const mine = scratch.unlinkedWith(side, key.k, key.value);
    const [only] = candidates;
    if (candidates.length === 1 && mine.length === 1 && only !== undefined) {
      reportMatch(scan, side, record, key, only);
      return { outcome: 'match', taken };
    }
    // Match keys are reported below, once per value; a reference several records share, here.
    if (key.k < 0) reportSharedReference(scan, side, record, key, candidates, mine);
    return { outcome: 'ambiguous', taken };
  }
  return { outcome: 'none', taken };
}

function reportMatch(scan: Scan, side: Side, record: RecordRow, key: Key, only: string): void {
  const { sync, scratch, tally } = scan;
  const them: Side = side === 'crm' ? 'erp' : 'crm';
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
    ...facts([
      ['crm', crm],
      ['erp', erp],
    ]),
    detail: `not linked, but ${how} pairs them (${key.value})`,
    action: diffs.length === 0 ? 'link them' : `link them, then ${summarizeActions(diffs)}`,
    repairable: true,
    fields: diffs,
  });
  emit(scratch, sync, row);
}

function reportSharedReference(
  scan: Scan,
  side: Side,
  record: RecordRow,
  key: Key,
  candidates: readonly string[],
  mine: readonly string[],
): void {
  const them: Side = side === 'crm' ? 'erp' : 'crm';
  const row = found(scan.tally, 'duplicate_key', {
    crmId: side === 'crm' ? record.id : null,
    erpId: side === 'erp' ? record.id : null,
    label: record.label ?? key.value,
    detail: `the reference "${key.value}" is carried by ${them} ${candidates.join(', ')}${mine.length > 1 ? ` and ${side} ${mine.join(', ')}` : ''}`,
    action: 'correct the reference field on the records that should not carry it',
    repairable: false,
    fields: [],
  });
  emit(scan.scratch, scan.sync, row);
}

function describeKey(sync: SyncDefinition, k: number): string {
  const key = sync.mapping.matchKeys[k];
  return key === undefined ? `#${k}` : `${key.crm} = ${key.erp}`;
}

/** The name (from the first record's values that hold one) and each record's modification time. */
function facts(records: readonly (readonly [Side, RecordRow | undefined])[]): {
  name: string | null;
  modified: { crm?: string; erp?: string };
} {
  let name: string | null = null;
  const modified: { crm?: string; erp?: string } = {};
  for (const [side, record] of records) {
    if (record === undefined) continue;
    name ??= recordName(parse(record.canonical)) ?? null;
    if (record.modified_at !== null) modified[side] = record.modified_at;
  }
  return { name, modified };
}
