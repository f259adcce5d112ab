/**
 * What a compiled mapping needs read from each side, worked out once at compile time: the vendor
 * properties a run asks for, the catalogs its lookups use, and the rule that each ERP field is
 * written by one field of the mapping.
 */
import { conditionPaths } from './condition.js';
import type { FieldPlan } from './compile-field.js';
import type { CatalogUse, Side } from './resolver.js';
import type { MappingFile } from './schema.js';
import type { MatchKey, Problem } from './types.js';

const top = (path: string): string => path.split('.')[0] as string;

/** Refuses a mapping where two fields flowing to the ERP write the same ERP path. */
export function checkErpWrittenOnce(plans: readonly FieldPlan[], problem: Problem): void {
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
}

/** What the references add to the properties read: the placeholders of their templates. */
interface ReferenceProperties {
  readonly erp: readonly string[];
  readonly crm: readonly string[] | undefined;
}

/** The top-level vendor properties a run reads on each side: fields, filters, keys, references. */
export function readFields(
  mapping: MappingFile,
  plans: readonly FieldPlan[],
  matchKeys: readonly MatchKey[],
  references: ReferenceProperties,
): { readonly crm: string[]; readonly erp: string[] } {
  const crm = new Set<string>();
  for (const plan of plans) for (const path of plan.spec.crm) crm.add(top(path));
  conditionPaths(mapping.filter.crm).forEach((p) => crm.add(top(p)));
  matchKeys.forEach((k) => crm.add(top(k.crm)));
  references.erp.forEach((p) => crm.add(p));
  if (mapping.crmReference !== undefined) crm.add(top(mapping.crmReference.crm));

  const erp = new Set<string>();
  for (const plan of plans) for (const path of plan.spec.erp) erp.add(top(path));
  erp.add(top(mapping.reference.erp));
  Object.keys(mapping.constants.erp).forEach((k) => erp.add(top(k)));
  conditionPaths(mapping.filter.erp).forEach((p) => erp.add(top(p)));
  matchKeys.forEach((k) => erp.add(top(k.erp)));
  references.crm?.forEach((p) => erp.add(p));
  return { crm: [...crm].sort(), erp: [...erp] };
}

/** The catalogs the mapping's `lookup` steps read (lines' included): loaded once per run. */
export function catalogLookups(mapping: MappingFile): CatalogUse[] {
  const lookups: CatalogUse[] = [];
  // A collection's line fields look values up too (each line's product): the same catalogs.
  const transforms = mapping.fields.flatMap((f) => [f.transform, ...(f.lines?.fields ?? []).map((l) => l.transform)]);
  for (const transform of transforms) {
    for (const step of transform) {
      if (typeof step === 'object' && 'lookup' in step) {
        const o = (step as { lookup: { object: string; field: string; side?: Side } }).lookup;
        lookups.push({ side: o.side ?? 'erp', object: o.object, field: o.field });
      }
    }
  }
  return lookups;
}
