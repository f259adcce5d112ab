/** A conflict in words, for `tandem conflicts list` and `show` (the JSON stays under --json). */
import type { ConflictRow } from '../../../state/index.js';
import { parsed, recordText, valueText } from '../../words.js';

// What the surviving side of a delete conflict did since the last sync (pipeline/plan-writes.ts).
const SURVIVOR: Readonly<Record<string, string>> = {
  edited: 'was edited since the last sync',
  restored: 'was restored after Tandem archived its counterpart',
  unchanged: 'is still there, unchanged (the sync reports deletes instead of carrying them over)',
  locked: "is locked (the mapping's `locked`, e.g. a confirmed order), so it is not archived without a person",
};

/** What happened, in one sentence. */
export function conflictSummary(row: ConflictRow): string {
  if (row.kind === 'delete') {
    const crm = parsed(row.crm_value);
    const deleted = crm === 'deleted' ? 'crm' : 'erp';
    const survivor = deleted === 'crm' ? 'erp' : 'crm';
    const did = parsed(deleted === 'crm' ? row.erp_value : row.crm_value);
    return `the ${deleted} record was deleted; the ${survivor} record ${SURVIVOR[String(did)] ?? String(did)}`;
  }
  if (row.kind === 'merge') return `one side merged two linked records (${row.field})`;
  if (row.kind === 'locked')
    return `the crm changed ${row.field}, but the erp record is locked (e.g. a confirmed order): not written without a person`;
  if (row.kind === 'leave')
    return "the crm record left (the mapping's onLeave, e.g. a lost deal): its erp record is locked, or the policy reports";
  return `both sides changed ${row.field} since the last sync`;
}

/** `#3 contacts "Ada Lovelace" (crm 101, erp 55) email: crm "a@x", erp "b@x" (base "c@x")`. */
export function conflictLine(row: ConflictRow, name: string | undefined): string {
  const record = recordText(name, { crm: row.crm_id, erp: row.erp_id });
  if (row.kind !== 'field') return `#${row.id} ${row.sync} ${record}: ${conflictSummary(row)}`;
  return (
    `#${row.id} ${row.sync} ${record} ${row.field}: crm ${valueText(parsed(row.crm_value))}, ` +
    `erp ${valueText(parsed(row.erp_value))} (base ${valueText(parsed(row.base_value))})`
  );
}

/** Every fact of one conflict, a line each, and how to resolve it. */
export function conflictDetail(row: ConflictRow, name: string | undefined): string[] {
  const lines = [
    `conflict #${row.id} (${row.status}) in sync ${row.sync}, opened ${row.created_at}`,
    `  record: ${recordText(name, { crm: row.crm_id, erp: row.erp_id })}`,
    `  what:   ${conflictSummary(row)}`,
  ];
  if (row.kind === 'field') {
    lines.push(
      `  field:  ${row.field}`,
      `    crm:  ${valueText(parsed(row.crm_value))}`,
      `    erp:  ${valueText(parsed(row.erp_value))}`,
      `    base: ${valueText(parsed(row.base_value))} (what both sides last agreed on)`,
    );
  }
  if (row.status === 'open') {
    const value = row.kind === 'field' ? ' | --value V' : '';
    lines.push(`  resolve: tandem conflicts resolve ${row.id} --take crm | --take erp${value}`);
  } else lines.push(`  resolution: ${valueText(parsed(row.resolution))}`);
  return lines;
}
