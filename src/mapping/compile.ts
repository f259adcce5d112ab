/**
 * Compiles a checked mapping file into plain functions, once at load: mapping a record is then
 * a loop over precompiled field plans, with no parsing on the hot path. One path: a record becomes
 * canonical values (`canonical`), and canonical values a payload (`encode`); `toErp` / `toCrm`
 * (for `tandem mapping test`, the golden tests and the benchmark) are those two steps in a row.
 */
import type { SourceRecord } from '../../connectors/types.js';
import { compileCondition, pushdownOf } from './condition.js';
import { catalogLookups, checkErpWrittenOnce, readFields } from './read-fields.js';
import { compileField, type FieldPlan } from './compile-field.js';
import { canonical, convert, encode, type MappingParts } from './record-steps.js';
import type { Problem } from './types.js';
import { compileMatchKey, compileReference } from './keys.js';
import { compilePolicies, policyReads } from './policies.js';
import type { NeededLink, ReferenceResolver, Side } from './resolver.js';
import type { MappingFile } from './schema.js';
import type { CanonicalValues, CompiledMapping } from './types.js';
import type { Value } from './values.js';
import { firstPresent } from './reference-field.js';

export type { CompiledMapping, MapResult } from './types.js';

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

  const policies = compilePolicies(mapping, problem);
  const policyFields = policyReads(mapping);
  const parts: MappingParts = {
    plans,
    toErpPlans,
    toCrmPlans,
    crmFilter,
    erpFilter,
    erpConstants,
    crmConstants,
    reference,
    crmReference,
  };

  const referencePlans = plans.filter((p) => (p.spec.references?.length ?? 0) > 0);
  return Object.freeze({
    file,
    crmObject: mapping.crm.object,
    erpObject: mapping.erp.object,
    crmFields: [...new Set([...fieldsRead.crm, ...policyFields.crm])].sort(),
    erpFields: [...new Set([...fieldsRead.erp, ...policyFields.erp])],
    reference: {
      field: reference.field,
      value: reference.value,
      ...(reference.idOf === undefined ? {} : { idOf: reference.idOf }),
    },
    crmReference,
    matchKeys,
    fields: plans.map((p) => p.spec),
    references: [...new Set(referencePlans.flatMap((p) => p.spec.references ?? []))],
    lookups: catalogLookups(mapping),
    // With onLeave, records outside the CRM filter must still be read: leaving it is the event.
    pushdown: {
      crm: policies.onLeave === undefined ? pushdownOf(mapping.filter.crm) : [],
      erp: pushdownOf(mapping.filter.erp),
    },
    policies,
    toErp: (record: SourceRecord, resolver?: ReferenceResolver) => convert(parts, 'crm', record, resolver),
    toCrm: (record: SourceRecord, resolver?: ReferenceResolver) => convert(parts, 'erp', record, resolver),
    canonical: (side: Side, record: SourceRecord, resolver?: ReferenceResolver) =>
      canonical(parts, side, record, resolver),
    encode: (side: Side, values: CanonicalValues, resolver?: ReferenceResolver, only?: ReadonlySet<string>) =>
      encode(parts, side, values, resolver, only),
    referencesOf: (record: SourceRecord, side: Side) => referencesOf(referencePlans, record, side),
  });
}

/**
 * The links a record's reference fields need (to prefetch them); a value that is no id is left out.
 * A fallback needs the link of its first present CRM value, and none from the ERP (it flows one way).
 */
function referencesOf(referencePlans: readonly FieldPlan[], record: SourceRecord, side: Side): NeededLink[] {
  const out: NeededLink[] = [];
  for (const plan of referencePlans) {
    const syncs = plan.spec.references ?? [];
    if (syncs.length > 1 && side === 'erp') continue;
    try {
      let id = side === 'crm' ? plan.readCrm(record.fields) : plan.readErp(record.fields);
      let sync = syncs[0] as string;
      if (syncs.length > 1) {
        const at = firstPresent(id);
        id = Array.isArray(id) ? ((id as Value[])[at] ?? null) : null;
        sync = syncs[at] ?? sync;
      }
      if (typeof id === 'string' || typeof id === 'number')
        out.push({ sync, side: side === 'crm' ? 'erp' : 'crm', id: String(id) });
    } catch {
      // A value that is no id maps to MAPPING_FAILED later; there is nothing to prefetch.
    }
  }
  return out;
}
