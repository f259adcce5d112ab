/** The unlinked records of a drift scan: pairs to link, missing counterparts, duplicate keys. */
import type { Side } from '../mapping/resolver.js';
import type { SyncDefinition } from '../pipeline/context.js';
import type { Scratch } from './scratch.js';
import { emit, fieldDiffs, found, parse, summarizeActions, type Tally } from './classify.js';

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
