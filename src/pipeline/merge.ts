/**
 * The three-way merge of one linked pair, field by field: the CRM's canonical values, the ERP's,
 * and the base snapshot both agreed on after the last confirmed write.
 *
 * - equal on both sides: settled (the base moves to it, nothing is written);
 * - changed on one side only: propagated to the other;
 * - changed on both, differently: the field's owner wins (`crm` / `erp`), or `latest` compares the
 *   systems' own modification times (ties to the declared side), or `manual` opens a conflict.
 *
 * One-way fields always take their source side's value; compared-only fields (direction `none`)
 * take no part. A field with an open conflict waits for a
 * person. With no base (first contact), a value beats an empty field, and any other difference
 * counts as changed on both sides.
 */
import type { CanonicalValues, MappedField } from '../mapping/types.js';
import { sameValue, type Value } from '../mapping/values.js';

export interface MergeInput {
  readonly fields: readonly MappedField[];
  readonly crm: CanonicalValues;
  readonly erp: CanonicalValues;
  /** null for a pair met for the first time. */
  readonly base: CanonicalValues | null;
  readonly crmModifiedAt: string;
  readonly erpModifiedAt: string;
  /** Fields with an open conflict for this pair. */
  readonly blocked?: ReadonlySet<string>;
}

export interface FieldConflict {
  readonly field: string;
  readonly crm: Value;
  readonly erp: Value;
  readonly base: Value;
}

export interface MergeOutcome {
  /** Canonical values to write to the CRM / the ERP. */
  readonly toCrm: Record<string, Value>;
  readonly toErp: Record<string, Value>;
  /** Fields both sides already agree on: the base moves to these values without a write. */
  readonly settled: Record<string, Value>;
  readonly conflicts: FieldConflict[];
}

const present = (values: CanonicalValues, field: string): boolean =>
  Object.prototype.hasOwnProperty.call(values, field);

/** No value: null, or an empty list (a field of several paths, all empty). */
const isEmpty = (value: Value): boolean => value === null || (Array.isArray(value) && value.length === 0);

export function merge(input: MergeInput): MergeOutcome {
  const outcome: MergeOutcome = { toCrm: {}, toErp: {}, settled: {}, conflicts: [] };
  for (const field of input.fields) {
    const name = field.name;
    // Compared only (direction none): never written, never a conflict, never in the base; drift reports it.
    if (field.direction === 'none') continue;
    // A value one side could not produce (a reference not resolvable yet) is not a change.
    if (!present(input.crm, name) || !present(input.erp, name)) continue;
    const crm = input.crm[name] ?? null;
    const erp = input.erp[name] ?? null;
    if (sameValue(crm, erp)) {
      if (input.base === null || !present(input.base, name) || !sameValue(input.base[name] ?? null, crm))
        outcome.settled[name] = crm;
      continue;
    }
    if (input.blocked?.has(name) === true) continue;
    const winner = decide(field, crm, erp, input);
    if (winner === 'crm') outcome.toErp[name] = crm;
    else if (winner === 'erp') outcome.toCrm[name] = erp;
    else outcome.conflicts.push({ field: name, crm, erp, base: input.base?.[name] ?? null });
  }
  return outcome;
}

function decide(field: MappedField, crm: Value, erp: Value, input: MergeInput): 'crm' | 'erp' | 'conflict' {
  if (field.direction === 'crm->erp') return 'crm';
  if (field.direction === 'erp->crm') return 'erp';
  const base = input.base !== null && present(input.base, field.name) ? (input.base[field.name] ?? null) : undefined;
  // No agreed value yet (a pair met for the first time): a value beats an empty field, whatever
  // the owner, so pairing two records never wipes what one of them knows.
  if (base === undefined && isEmpty(crm) !== isEmpty(erp)) return isEmpty(crm) ? 'erp' : 'crm';
  const crmChanged = base === undefined || !sameValue(crm, base);
  const erpChanged = base === undefined || !sameValue(erp, base);
  if (crmChanged && !erpChanged) return 'crm';
  if (erpChanged && !crmChanged) return 'erp';
  switch (field.owner) {
    case 'crm':
      return 'crm';
    case 'erp':
      return 'erp';
    case 'latest': {
      const crmTime = Date.parse(input.crmModifiedAt);
      const erpTime = Date.parse(input.erpModifiedAt);
      if (crmTime === erpTime || Number.isNaN(crmTime) || Number.isNaN(erpTime)) return field.tie;
      return crmTime > erpTime ? 'crm' : 'erp';
    }
    default:
      return 'conflict';
  }
}
