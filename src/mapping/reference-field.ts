/**
 * Reference fields: ids translated through another sync's links. One CRM path with one sync
 * (`reference: companies`), or a fallback: several CRM paths, each with its own sync
 * (`crm: [associations.company, associations.contact], reference: [companies, contacts]`), where
 * the first path holding a value decides.
 */
import type { ReferenceResolver, Side } from './resolver.js';
import type { FieldSpec } from './schema.js';
import type { Step } from './transforms/step.js';
import type { Direction, Problem } from './types.js';
import { asText, type Value } from './values.js';

/** Thrown when a reference's target is not linked yet. */
export class WaitingReference extends Error {
  constructor(
    readonly sync: string,
    readonly id: string,
  ) {
    super(`waits for sync ${sync} to link ${id}`);
    this.name = 'WaitingReference';
  }
}

/** The syncs of a reference field, in the order of its CRM paths (empty for other fields). */
export const referenceSyncs = (spec: FieldSpec): readonly string[] =>
  spec.reference === undefined ? [] : typeof spec.reference === 'string' ? [spec.reference] : spec.reference;

function resolveVia(sync: string, side: Side, value: Value, resolver: ReferenceResolver | undefined): Value {
  const id = asText(value, 'reference');
  const found = resolver?.resolve(sync, side, id);
  if (found === undefined) throw new WaitingReference(sync, id);
  return found;
}

function referenceStep(sync: string): Step {
  return {
    name: 'reference',
    resolves: true,
    forward: (value, resolver) => resolveVia(sync, 'erp', value, resolver),
    inverse: (value, resolver) => resolveVia(sync, 'crm', value, resolver),
  };
}

/** The index of the first present value of a fallback's list, or -1. */
export function firstPresent(value: Value): number {
  return Array.isArray(value) ? (value as Value[]).findIndex((v) => v !== null) : value === null ? -1 : 0;
}

function fallbackStep(syncs: readonly string[]): Step {
  return {
    name: 'reference',
    resolves: true,
    // Called with the list of the CRM paths' values; the first present one decides.
    forward: (value, resolver) => {
      const at = firstPresent(value);
      if (at < 0) return null;
      const chosen = Array.isArray(value) ? ((value as Value[])[at] as Value) : value;
      return resolveVia(syncs[at] as string, 'erp', chosen, resolver);
    },
    inverse: undefined,
    noInverse: 'an ERP id cannot tell which of the CRM paths it came from',
  };
}

/**
 * The one step of a reference field and the CRM paths it reads; `problem` for a field written
 * wrong (transforms, several ERP paths, a fallback whose lists differ or that flows to the CRM).
 */
export function referenceSteps(
  spec: FieldSpec,
  erp: readonly string[],
  direction: Direction,
  at: readonly (string | number)[],
  problem: Problem,
): { steps: Step[]; crm: string[] } {
  if (spec.transform.length > 0 || spec.template !== undefined)
    problem(
      [...at, 'reference'],
      'a reference field maps ids through links and takes no transforms or template; remove them',
    );
  const syncs = referenceSyncs(spec);
  if (typeof spec.reference === 'string') {
    if (typeof spec.crm !== 'string' || erp.length !== 1)
      problem(
        [...at, 'reference'],
        'a reference field reads one CRM path and writes one ERP path, e.g. { crm: associatedcompanyid, erp: parent_id }',
      );
    return { steps: [referenceStep(spec.reference)], crm: [spec.crm] };
  }
  const crm = typeof spec.crm === 'string' ? [spec.crm] : (spec.crm ?? []);
  if (crm.length !== syncs.length || erp.length !== 1)
    problem(
      [...at, 'reference'],
      `a fallback reference gives one sync per CRM path (${crm.length} paths, ${syncs.length} syncs) and writes one ERP path, e.g. { crm: [associations.company, associations.contact], reference: [companies, contacts], erp: partner_id }`,
    );
  if (direction !== 'crm->erp')
    problem(
      [...at, 'direction'],
      'a fallback reference (several CRM paths, one sync each) flows CRM -> ERP only: an ERP id cannot tell which CRM path to write; set direction: crm->erp',
    );
  return { steps: [fallbackStep(syncs)], crm };
}
