/**
 * Checks a compiled mapping against what lives outside the file: the connectors' field lists
 * (HubSpot's properties API, Odoo's `fields_get`) and the config's sync names.
 */
import type { FieldDescription } from '../../connectors/types.js';
import { conditionPaths } from './condition.js';
import type { Direction, LoadOptions } from './types.js';
import type { ConditionSpec, MappingFile } from './schema.js';
import { closest } from './transforms/registry.js';
import type { CompiledMapping } from './types.js';

const top = (path: string): string => path.split('.')[0] as string;

/** Whether a field of `direction` writes to `side` (a compared-only field writes to neither). */
const writes = (direction: Direction, side: 'crm' | 'erp'): boolean =>
  direction === 'both' || direction === (side === 'crm' ? 'erp->crm' : 'crm->erp');

/** Where a problem is reported: the key's path in the mapping file, and what to write there. */
export type Report = (path: readonly (string | number)[], message: string) => void;

/**
 * Reports (through `problem`, which may collect rather than throw) every object the connector does
 * not sync, every path the connectors do not have, and every unknown sync.
 */
export function checkFields(spec: MappingFile, mapping: CompiledMapping, options: LoadOptions, problem: Report): void {
  for (const [label, object, objects] of [
    ['crm', spec.crm.object, options.crmObjects],
    ['erp', spec.erp.object, options.erpObjects],
  ] as const) {
    if (objects === undefined || objects.includes(object)) continue;
    const near = closest(object, objects);
    problem(
      [label, 'object'],
      `the ${label} connector does not sync "${object}"; ${near === undefined ? '' : `did you mean "${near}"? `}it syncs ${objects.join(', ')}`,
    );
  }
  const created = new Set(spec.crmProperties.map((p) => p.name));
  const side = (label: string, object: string, described: readonly FieldDescription[] | undefined) => {
    if (described === undefined) return undefined;
    const byName = new Map(described.map((f) => [f.name, f]));
    return (at: readonly (string | number)[], path: string, writes: boolean): void => {
      const field = byName.get(top(path));
      // A property `crmProperties` declares is created before the first write: it may not exist yet.
      if (field === undefined && label === 'crm' && created.has(top(path))) return;
      if (field === undefined) {
        const near = closest(top(path), byName.keys());
        problem(
          at,
          `${label} ${object} has no field "${top(path)}"; ${near === undefined ? 'no field of that object has a close name; check the object and the spelling' : `did you mean "${near}"?`}`,
        );
        return;
      }
      if (writes && field.readOnly)
        problem(
          at,
          `${label} ${object} field "${field.name}" is read-only, so Tandem cannot write it; set direction: ${label === 'crm' ? 'crm->erp' : 'erp->crm'} on this field`,
        );
    };
  };
  const crm = side('crm', spec.crm.object, options.crmFields);
  const erp = side('erp', spec.erp.object, options.erpFields);
  mapping.fields.forEach((field, i) => {
    const raw = spec.fields[i];
    for (const path of field.crm)
      crm?.(['fields', i, raw?.template === undefined ? 'crm' : 'template'], path, writes(field.direction, 'crm'));
    for (const path of field.erp) erp?.(['fields', i, 'erp'], path, writes(field.direction, 'erp'));
    const syncs = options.syncs;
    const many = (field.references?.length ?? 0) > 1;
    (field.references ?? []).forEach((sync, j) => {
      if (syncs !== undefined && !syncs.includes(sync))
        problem(
          many ? ['fields', i, 'reference', j] : ['fields', i, 'reference'],
          `no sync named "${sync}" in the config; have: ${syncs.join(', ') || 'none'}`,
        );
    });
  });
  spec.match.forEach((key, i) => {
    crm?.(['match', i, 'crm'], key.crm, false);
    erp?.(['match', i, 'erp'], key.erp, false);
  });
  erp?.(['reference', 'erp'], spec.reference.erp, true);
  if (spec.crmReference !== undefined) crm?.(['crmReference', 'crm'], spec.crmReference.crm, true);
  for (const key of Object.keys(spec.constants.erp)) erp?.(['constants', 'erp', key], key, true);
  for (const key of Object.keys(spec.constants.crm)) crm?.(['constants', 'crm', key], key, true);
  for (const path of conditionPaths(spec.filter.crm)) crm?.(['filter', 'crm'], path, false);
  for (const path of conditionPaths(spec.filter.erp)) erp?.(['filter', 'erp'], path, false);
  for (const path of conditionPaths(spec.locked?.erp)) erp?.(['locked', 'erp'], path, false);
  for (const path of conditionPaths(spec.onLeave?.when.crm)) crm?.(['onLeave', 'when', 'crm'], path, false);
  for (const key of Object.keys(spec.onLeave?.cancel?.erp ?? {})) erp?.(['onLeave', 'cancel', 'erp', key], key, true);
  checkConditionValues(spec, options, problem);
}

/**
 * Reports every value a condition (filter, locked, onLeave.when) compares an enumeration field with
 * that is not one of the field's options: `in: { dealstage: [closedwonn] }` would match no record,
 * silently. Fields the connector gives no options for are not checked; `null` (empty) always passes.
 */
export function checkConditionValues(spec: MappingFile, options: LoadOptions, problem: Report): void {
  const conditions: [readonly string[], ConditionSpec | undefined, readonly FieldDescription[] | undefined][] = [
    [['filter', 'crm'], spec.filter.crm, options.crmFields],
    [['filter', 'erp'], spec.filter.erp, options.erpFields],
    [['locked', 'erp'], spec.locked?.erp, options.erpFields],
    [['onLeave', 'when', 'crm'], spec.onLeave?.when.crm, options.crmFields],
  ];
  for (const [at, condition, described] of conditions) {
    if (condition === undefined || described === undefined) continue;
    const byName = new Map(described.map((f) => [f.name, f]));
    const check = (where: readonly (string | number)[], path: string, value: unknown): void => {
      const allowed = byName.get(path)?.options;
      if (allowed === undefined || allowed.length === 0 || value === null) return;
      if (allowed.includes(String(value))) return;
      const near = closest(String(value), allowed);
      problem(
        where,
        `${JSON.stringify(value)} is not one of the field's options, so no record would ever match it; ${near === undefined ? '' : `did you mean "${near}"? `}options: ${allowed.join(', ')}`,
      );
    };
    for (const [path, value] of Object.entries(condition.equals)) check([...at, 'equals', path], path, value);
    for (const [path, value] of Object.entries(condition.notEquals)) check([...at, 'notEquals', path], path, value);
    for (const [path, values] of Object.entries(condition.in))
      values.forEach((value, j) => check([...at, 'in', path, j], path, value));
  }
}
