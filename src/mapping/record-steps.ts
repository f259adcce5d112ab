/**
 * The record-level steps of a compiled mapping, over its precompiled parts: a record becomes
 * canonical values (`canonical`), canonical values a payload (`encode`), and `convert` is the two in
 * a row plus the reference field. The one mapping path: runs, drift, `tandem mapping test`, the
 * golden tests and the benchmark all go through these.
 */
import type { SourceRecord } from '../../connectors/types.js';
import { WaitingReference, type FieldPlan } from './compile-field.js';
import type { CompiledCondition } from './condition.js';
import type { ReferenceResolver, Side } from './resolver.js';
import type { CanonicalResult, CanonicalValues, MapFailure, MapResult, RecordReference } from './types.js';
import { StepFailure, type Value } from './values.js';

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

/** What the record steps work from, compiled once per mapping. */
export interface MappingParts {
  readonly plans: readonly FieldPlan[];
  readonly toErpPlans: readonly FieldPlan[];
  readonly toCrmPlans: readonly FieldPlan[];
  readonly crmFilter: CompiledCondition;
  readonly erpFilter: CompiledCondition;
  readonly erpConstants: readonly (readonly [string, unknown])[];
  readonly crmConstants: readonly (readonly [string, unknown])[];
  /** The ERP field naming the CRM record (`ref = HS-{id}`), and the reverse when declared. */
  readonly reference: RecordReference;
  readonly crmReference: RecordReference | undefined;
}

/**
 * One record to a payload for the other side, through the same two steps a run takes
 * (`canonical`, then `encode`), plus the reference field that a run passes on its own.
 */
export function convert(
  parts: MappingParts,
  from: Side,
  record: SourceRecord,
  resolver?: ReferenceResolver,
): MapResult {
  const read = canonical(parts, from, record, resolver);
  if (!read.ok) return read;
  const out: Record<string, unknown> = {};
  const failed = writePayload(parts, out, from === 'crm' ? 'erp' : 'crm', read.values, resolver);
  if (failed !== undefined) return failed;
  const ref = from === 'crm' ? parts.reference : parts.crmReference;
  try {
    if (ref !== undefined) out[ref.field] = ref.value(record);
  } catch (error) {
    return failure(error, ref?.field ?? '');
  }
  return { ok: true, fields: out };
}

/** Every field's canonical value as read from one side's record. */
export function canonical(
  parts: MappingParts,
  side: Side,
  record: SourceRecord,
  resolver?: ReferenceResolver,
): CanonicalResult {
  const reason = (side === 'crm' ? parts.crmFilter : parts.erpFilter)(record.fields);
  if (reason !== null) return { ok: false, code: 'FILTERED', reason };
  const values: Record<string, Value> = {};
  // After a failure the other fields are still mapped: a first pass then asks the resolver for
  // every link and catalog value the record needs (the pipeline prefetches the misses and maps
  // again), not only for those of the fields before the one that failed. The first failure wins.
  let failed: MapFailure | undefined;
  for (const plan of parts.plans) {
    try {
      if (side === 'crm') {
        if (plan.resolves && resolver === undefined) continue;
        values[plan.spec.name] = plan.forward(plan.readCrm(record.fields), resolver);
      } else values[plan.spec.name] = plan.canonErp(plan.readErp(record.fields));
    } catch (error) {
      failed ??= failure(error, plan.spec.name);
    }
  }
  return failed ?? { ok: true, values };
}

/** Writes the payload of canonical `values` for `side` into `out`; returns why not, if it cannot. */
function writePayload(
  parts: MappingParts,
  out: Record<string, unknown>,
  side: Side,
  values: CanonicalValues,
  resolver?: ReferenceResolver,
  only?: ReadonlySet<string>,
): MapFailure | undefined {
  // As in `canonical`: every field is tried, so a first pass asks for every value it needs.
  let failed: MapFailure | undefined;
  for (const plan of side === 'erp' ? parts.toErpPlans : parts.toCrmPlans) {
    const value = values[plan.spec.name];
    if (value === undefined || (only !== undefined && !only.has(plan.spec.name))) continue;
    // A required field is never written empty.
    if (value === null && plan.spec.required) failed ??= requiredEmpty(plan);
    else
      try {
        if (side === 'erp') plan.writeErp(out, value);
        else if (!plan.resolves || resolver !== undefined) plan.writeCrm(out, plan.inverse(value, resolver));
      } catch (error) {
        failed ??= failure(error, plan.spec.name);
      }
  }
  if (failed !== undefined) return failed;
  for (const [key, value] of side === 'erp' ? parts.erpConstants : parts.crmConstants) out[key] = value;
  return undefined;
}

/** Canonical values -> a payload for `side` (only the fields in `only`, when given), with its constants. */
export function encode(
  parts: MappingParts,
  side: Side,
  values: CanonicalValues,
  resolver?: ReferenceResolver,
  only?: ReadonlySet<string>,
): MapResult {
  const out: Record<string, unknown> = {};
  return writePayload(parts, out, side, values, resolver, only) ?? { ok: true, fields: out };
}
