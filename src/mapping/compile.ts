/**
 * Compiles a checked mapping file into plain functions, once at load: mapping a record is then
 * a loop over precompiled field plans, with no parsing on the hot path and one object allocated
 * per record (the payload).
 */
import type { SourceRecord } from '../../connectors/types.js';
import { compileCondition, conditionPaths } from './condition.js';
import { compileField, WaitingReference, type FieldPlan, type Problem } from './compile-field.js';
import { generateToErp, type Position } from './codegen.js';
import { compileMatchKey, compileReference } from './keys.js';
import type { CatalogUse, NeededLink, ReferenceResolver, Side } from './resolver.js';
import type { MappingFile } from './schema.js';
import type { CanonicalResult, CanonicalValues, CompiledMapping, MapFailure, MapResult } from './types.js';
import { StepFailure, type Value } from './values.js';

export type { CompiledMapping, MapResult } from './types.js';

const top = (path: string): string => path.split('.')[0] as string;

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
  const seen = new Map<string, number>();
  plans.forEach((plan, i) => {
    for (const path of plan.spec.erp) {
      const before = seen.get(path);
      if (before !== undefined && plan.toErp && plans[before]?.toErp === true)
        problem(
          ['fields', i, 'erp'],
          `fields[${before}] already writes ${path}; map each ERP field once (give one of them direction: erp->crm)`,
        );
      seen.set(path, i);
    }
  });
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

  const crmFields = new Set<string>();
  for (const plan of plans) for (const path of plan.spec.crm) crmFields.add(top(path));
  conditionPaths(mapping.filter.crm).forEach((p) => crmFields.add(top(p)));
  matchKeys.forEach((k) => crmFields.add(top(k.crm)));
  reference.properties.forEach((p) => crmFields.add(p));
  if (mapping.crmReference !== undefined) crmFields.add(top(mapping.crmReference.crm));

  const erpFields = new Set<string>();
  for (const plan of plans) for (const path of plan.spec.erp) erpFields.add(top(path));
  erpFields.add(top(mapping.reference.erp));
  erpConstants.forEach(([k]) => erpFields.add(top(k)));
  conditionPaths(mapping.filter.erp).forEach((p) => erpFields.add(top(p)));
  matchKeys.forEach((k) => erpFields.add(top(k.erp)));
  crmReference?.properties.forEach((p) => erpFields.add(p));

  const lookups: CatalogUse[] = [];
  for (const field of mapping.fields) {
    for (const step of field.transform) {
      if (typeof step === 'object' && 'lookup' in step) {
        const o = (step as { lookup: { object: string; field: string; side?: Side } }).lookup;
        lookups.push({ side: o.side ?? 'erp', object: o.object, field: o.field });
      }
    }
  }

  const generated = generateToErp(toErpPlans, mapping.defaults.trim);
  const position: Position = { at: -1 };

  /** CRM record -> ERP payload: filter, then the generated field loop, constants and reference. */
  function toErp(record: SourceRecord, resolver?: ReferenceResolver): MapResult {
    const reason = crmFilter(record.fields);
    if (reason !== null) return { ok: false, code: 'FILTERED', reason };
    const out: Record<string, unknown> = {};
    position.at = -1;
    try {
      const empty = generated(record.fields, resolver, out, position);
      if (empty >= 0) return requiredEmpty(toErpPlans[empty] as FieldPlan);
      position.at = -1;
      for (let i = 0; i < erpConstants.length; i++) {
        const [key, value] = erpConstants[i] as [string, unknown];
        out[key] = value;
      }
      out[reference.field] = reference.value(record);
    } catch (error) {
      return failure(error, toErpPlans[position.at]?.spec.name ?? reference.field);
    }
    return { ok: true, fields: out };
  }

  /** The same as {@link toErp} through the plain closures: the reference the generated code is tested against. */
  function toErpInterpreted(record: SourceRecord, resolver?: ReferenceResolver): MapResult {
    const reason = crmFilter(record.fields);
    if (reason !== null) return { ok: false, code: 'FILTERED', reason };
    const out: Record<string, unknown> = {};
    let plan: FieldPlan | undefined;
    try {
      for (plan of toErpPlans) {
        if (plan.resolves && resolver === undefined) continue;
        const value = plan.forward(plan.readCrm(record.fields), resolver);
        if (value === null && plan.spec.required) return requiredEmpty(plan);
        plan.writeErp(out, value);
      }
      plan = undefined;
      for (const [key, value] of erpConstants) out[key] = value;
      out[reference.field] = reference.value(record);
    } catch (error) {
      return failure(error, plan?.spec.name ?? reference.field);
    }
    return { ok: true, fields: out };
  }

  /** ERP record -> CRM payload: the same, undoing each field's transforms in reverse order. */
  function toCrm(record: SourceRecord, resolver?: ReferenceResolver): MapResult {
    const reason = erpFilter(record.fields);
    if (reason !== null) return { ok: false, code: 'FILTERED', reason };
    const out: Record<string, unknown> = {};
    let plan: FieldPlan | undefined;
    try {
      for (let i = 0; i < toCrmPlans.length; i++) {
        plan = toCrmPlans[i] as FieldPlan;
        if (plan.resolves && resolver === undefined) continue;
        // Through the canonical form, so the CRM gets normalised values (E.164, not the ERP's spelling).
        const value = plan.inverse(plan.canonErp(plan.readErp(record.fields)), resolver);
        if (value === null && plan.spec.required) return requiredEmpty(plan);
        plan.writeCrm(out, value);
      }
      plan = undefined;
      for (const [key, value] of crmConstants) out[key] = value;
      if (crmReference !== undefined) out[crmReference.field] = crmReference.value(record);
    } catch (error) {
      return failure(error, plan?.spec.name ?? crmReference?.field ?? '');
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

  function encode(
    side: Side,
    values: CanonicalValues,
    resolver?: ReferenceResolver,
    only?: ReadonlySet<string>,
  ): MapResult {
    const out: Record<string, unknown> = {};
    let plan: FieldPlan | undefined;
    try {
      for (plan of side === 'erp' ? toErpPlans : toCrmPlans) {
        const value = values[plan.spec.name];
        if (value === undefined || (only !== undefined && !only.has(plan.spec.name))) continue;
        // The same promise as toErp / toCrm: a required field is never written empty.
        if (value === null && plan.spec.required) return requiredEmpty(plan);
        if (side === 'erp') plan.writeErp(out, value);
        else if (!plan.resolves || resolver !== undefined) plan.writeCrm(out, plan.inverse(value, resolver));
      }
    } catch (error) {
      return failure(error, plan?.spec.name ?? '');
    }
    for (const [key, value] of side === 'erp' ? erpConstants : crmConstants) out[key] = value;
    return { ok: true, fields: out };
  }

  const referencePlans = plans.filter((p) => p.spec.reference !== undefined);
  return Object.freeze({
    file,
    crmObject: mapping.crm.object,
    erpObject: mapping.erp.object,
    crmFields: [...crmFields].sort(),
    erpFields: [...erpFields],
    reference: {
      field: reference.field,
      value: reference.value,
      ...(reference.idOf === undefined ? {} : { idOf: reference.idOf }),
    },
    crmReference,
    matchKeys,
    fields: plans.map((p) => p.spec),
    references: [...new Set(referencePlans.map((p) => p.spec.reference as string))],
    lookups,
    toErp,
    toErpInterpreted,
    toCrm,
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
