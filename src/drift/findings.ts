/**
 * A field difference in words, for a report row's detail: what disagrees and which way it goes,
 * told the way a person reading the report would say it (a value that has not reached the other
 * side, lines that differ, a compared-only figure that differs).
 */
import type { MappedField } from '../mapping/types.js';
import type { Value } from '../mapping/values.js';
import type { FieldDiff } from './report-schema.js';

/** A value as a sentence shows it: text and numbers as they are, empty as "empty". */
export function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Lines (canonical tuples) of `a` not in `b`, counted as a multiset. */
function only(a: readonly Value[], b: readonly Value[]): number {
  const left = new Map<string, number>();
  for (const line of b) left.set(JSON.stringify(line), (left.get(JSON.stringify(line)) ?? 0) + 1);
  let n = 0;
  for (const line of a) {
    const key = JSON.stringify(line);
    const k = left.get(key) ?? 0;
    if (k > 0) left.set(key, k - 1);
    else n++;
  }
  return n;
}

const lines = (n: number): string => `${n} line${n === 1 ? '' : 's'}`;

/** One field difference in words. */
export function findingOf(diff: FieldDiff, field: MappedField | undefined): string {
  const { crm, erp } = diff;
  if (diff.winner === 'none') return `${diff.field} differs (compared only): crm ${shown(crm)}, erp ${shown(erp)}`;
  if (field?.lines !== undefined) {
    const c = Array.isArray(crm) ? (crm as Value[]) : [];
    const e = Array.isArray(erp) ? (erp as Value[]) : [];
    return `${diff.field}: the lines differ (${lines(only(c, e))} only in the crm, ${lines(only(e, c))} only in the erp)`;
  }
  if (field?.direction === 'erp->crm')
    return `${diff.field}: the erp's ${shown(erp)} has not reached the crm (it shows ${shown(crm)})`;
  if (field?.direction === 'crm->erp')
    return `${diff.field}: the crm's ${shown(crm)} has not reached the erp (it shows ${shown(erp)})`;
  return `${diff.field} differs`;
}

/**
 * A row's detail: the two-way fields that differ, counted (`1 field differs: city`), then every
 * other difference in words (a figure that has not reached a side, lines, a compared-only value).
 */
export function findingsOf(diffs: readonly FieldDiff[], fields: readonly MappedField[]): string {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const plain: string[] = [];
  const worded: string[] = [];
  for (const d of diffs) {
    const finding = findingOf(d, byName.get(d.field));
    if (finding === `${d.field} differs`) plain.push(d.field);
    else worded.push(finding);
  }
  const counted =
    plain.length === 0
      ? []
      : [`${plain.length === 1 ? '1 field differs' : `${plain.length} fields differ`}: ${plain.join(', ')}`];
  return [...counted, ...worded].join('; ');
}
