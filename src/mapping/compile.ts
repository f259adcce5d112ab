/**
 * Compiles a checked mapping file into plain functions, once at load: mapping a record is then
 * a loop over precompiled field plans, with no parsing on the hot path. One path: a record becomes
 * canonical values (`canonical`), and canonical values a payload (`encode`); `toErp` / `toCrm`
 * (for `tandem mapping test`, the golden tests and the benchmark) are those two steps in a row.
 */
import type { SourceRecord } from '../../connectors/types.js';
import { compileCondition } from './condition.js';
import { catalogLookups, checkErpWrittenOnce, readFields } from './read-fields.js';
import { compileField, WaitingReference, type FieldPlan } from './compile-field.js';
import type { Problem } from './types.js';
import { compileMatchKey, compileReference } from './keys.js';
import type { NeededLink, ReferenceResolver, Side } from './resolver.js';
import type { MappingFile } from './schema.js';
import type { CanonicalResult, CanonicalValues, CompiledMapping, MapFailure, MapResult } from './types.js';
import { StepFailure, type Value } from './values.js';

export type { CompiledMapping, MapResult } from './types.js';

/** Turns anything thrown while mapping one field into a typed result: mapping never throws. */
function failure(error: unknown, field: string): MapFailure {
  if (error instanceof WaitingReference) {
    return {
      ok: false,
      code: 'WAITING_REFERENCE',
      reason: `${field} waits for sync ${error.sync} to link record ${error.id}`,
      field,
      sync: error.sync,
      id: error.id,
    };
  }
  const reason = error instanceof StepFailure ? error.message : `unexpected error: ${String(error)}`;
  return { ok: false, code: 'MAPPING_FAILED', reason: `${field}: ${reason}`, field };
}

const requiredEmpty = (plan: FieldPlan): MapFailure => ({
  ok: false,
  code: 'MAPPING_FAILED',
  reason: `${plan.spec.name} is required but empty`,
  field: plan.spec.name,
});

/** Compiles `mapping` (already schema-checked) from `file`; problems go to `problem`. */
export function compileMapping(file: string, mapping: MappingFile, problem: Problem): CompiledMapping {
  const plans = mapping.fields.map((_, i) => compileField(mapping, i, problem));
  checkErpWrittenOnce(plans, problem);
  const toErpPlans = plans.filter((p) => p.toErp);
  const toCrmPlans = plans.filter((p) => p.toCrm);
  const crmFilter = compileCondition(mapping.filter.crm);
  const erpFilter = compileCondition(mapping.filter.erp);
  const reference = compileReference(mapping.reference.erp, mapping.reference.template);
  const crmReference =
    mapping.crmReference === undefined
      ? undefined
      : compileReference(mapping.crmReference.crm, mapping.crmReference.template);
  const erpConstants = Object.entries(mapping.constants.erp);
  const crmConstants = Object.entries(mapping.constants.crm);
  const matchKeys = mapping.match.map((key, i) => compileMatchKey(key, ['match', i], problem));
  const fieldsRead = readFields(mapping, plans, matchKeys, {
    erp: reference.properties,
    crm: crmReference?.properties,
  });

  /**
   * One record to a payload for the other side, through the same two steps a run takes
   * (`canonical`, then `encode`), plus the reference field that a run passes on its own.
   */
  function convert(from: Side, record: SourceRecord, resolver?: ReferenceResolver): MapResult {
    const read = canonical(from, record, resolver);
    if (!read.ok) return read;
    const out: Record<string, unknown> = {};
    const failed = writePayload(out, from === 'crm' ? 'erp' : 'crm', read.values, resolver);
    if (failed !== undefined) return failed;
    const ref = from === 'crm' ? reference : crmReference;
    try {
      if (ref !== undefined) out[ref.field] = ref.value(record);
    } catch (error) {
      return failure(error, ref?.field ?? '');
    }
    return { ok: true, fields: out };
  }

  function canonical(side: Side, record: SourceRecord, resolver?: ReferenceResolver): CanonicalResult {
    const reason = (side === 'crm' ? crmFilter : erpFilter)(record.fields);
    if (reason !== null) return { ok: false, code: 'FILTERED', reason };
    const values: Record<string, Value> = {};
    let plan: FieldPlan | undefined;
    try {
      for (plan of plans) {
        if (side === 'crm') {
          if (plan.resolves && resolver === undefined) continue;
          values[plan.spec.name] = plan.forward(plan.readCrm(record.fields), resolver);
        } else values[plan.spec.name] = plan.canonErp(plan.readErp(record.fields));
      }
    } catch (error) {
      return failure(error, plan?.spec.name ?? '');
    }
    return { ok: true, values };
  }

  /** Writes the payload of canonical `values` for `side` into `out`; returns why not, if it cannot. */
  function writePayload(
    out: Record<string, unknown>,
    side: Side,
    values: CanonicalValues,
    resolver?: ReferenceResolver,
    only?: ReadonlySet<string>,
  ): MapFailure | undefined {
    let plan: FieldPlan | undefined;
    try {
      for (plan of side === 'erp' ? toErpPlans : toCrmPlans) {
        const value = values[plan.spec.name];
        if (value === undefined || (only !== undefined && !only.has(plan.spec.name))) continue;
        // A required field is never written empty.
        if (value === null && plan.spec.required) return requiredEmpty(plan);
        if (side === 'erp') plan.writeErp(out, value);
        else if (!plan.resolves || resolver !== undefined) plan.writeCrm(out, plan.inverse(value, resolver));
      }
    } catch (error) {
      return failure(error, plan?.spec.name ?? '');
    }
    for (const [key, value] of side === 'erp' ? erpConstants : crmConstants) out[key] = value;
    return undefined;
  }

  function encode(
    side: Side,
    values: CanonicalValues,
    resolver?: ReferenceResolver,
    only?: ReadonlySet<string>,
  ): MapResult {
    const out: Record<string, unknown> = {};
    return writePayload(out, side, values, resolver, only) ?? { ok: true, fields: out };
  }

  const referencePlans = plans.filter((p) => p.spec.reference !== undefined);
  return Object.freeze({
    file,
    crmObject: mapping.crm.object,
    erpObject: mapping.erp.object,
    crmFields: fieldsRead.crm,
    erpFields: fieldsRead.erp,
    reference: {
      field: reference.field,
      value: reference.value,
      ...(reference.idOf === undefined ? {} : { idOf: reference.idOf }),
    },
    crmReference,
    matchKeys,
    fields: plans.map((p) => p.spec),
    references: [...new Set(referencePlans.map((p) => p.spec.reference as string))],
    lookups: catalogLookups(mapping),
    toErp: (record: SourceRecord, resolver?: ReferenceResolver) => convert('crm', record, resolver),
    toCrm: (record: SourceRecord, resolver?: ReferenceResolver) => convert('erp', record, resolver),
    canonical,
    encode,
    referencesOf(record: SourceRecord, side: Side): NeededLink[] {
      const out: NeededLink[] = [];
      for (const plan of referencePlans) {
        try {
          const id = side === 'crm' ? plan.readCrm(record.fields) : plan.readErp(record.fields);
          if (typeof id === 'string' || typeof id === 'number')
            out.push({ sync: plan.spec.reference as string, side: side === 'crm' ? 'erp' : 'crm', id: String(id) });
        } catch {
          // A value that is no id maps to MAPPING_FAILED later; there is nothing to prefetch.
        }
      }
      return out;
    },
  });
}
