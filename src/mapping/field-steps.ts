/**
 * A field's transform chain, built from its `template` / `transform` entries, with the checks that
 * need the whole chain: lists flow from several CRM paths or a split into a join, pick, template or
 * several ERP paths, and nowhere else.
 */
import type { Problem } from './types.js';
import type { FieldSpec } from './schema.js';
import { TRANSFORMS, closest } from './transforms/registry.js';
import { BuildError, type Step } from './transforms/step.js';
import { placeholders, templateStep } from './transforms/template.js';

const LIST_IN = new Set(['join', 'pick', 'template']);

/** The steps of field `at` and the CRM paths it reads; problems go to `problem`. */
export function buildSteps(
  spec: FieldSpec,
  at: readonly (string | number)[],
  problem: Problem,
): { steps: Step[]; crm: string[] } {
  const steps: Step[] = [];
  let crm: string[];
  if (spec.template !== undefined) {
    if (spec.crm !== undefined) problem([...at, 'crm'], 'give either crm: or template:, not both');
    const format = typeof spec.template === 'string' ? spec.template : spec.template.format;
    crm = placeholders(format);
    if (crm.length === 0)
      problem([...at, 'template'], 'a template needs at least one {property}, e.g. "{firstname} {lastname}"');
    steps.push(templateStep(format, typeof spec.template === 'string' ? 'first' : spec.template.split));
  } else if (spec.crm === undefined) {
    return problem(at, 'a field needs a CRM source: add crm: <property> or template: "{a} {b}"');
  } else crm = typeof spec.crm === 'string' ? [spec.crm] : spec.crm;
  const targets = typeof spec.erp === 'string' ? 1 : spec.erp.length;
  spec.transform.forEach((entry, j) => {
    const [name, options] =
      typeof entry === 'string' ? [entry, undefined] : (Object.entries(entry)[0] ?? ['', undefined]);
    const def = TRANSFORMS.get(name);
    if (def === undefined) {
      const near = closest(name, TRANSFORMS.keys());
      problem(
        [...at, 'transform', j],
        `unknown transform "${name}"; ${near === undefined ? '' : `did you mean "${near}"? `}known: ${[...TRANSFORMS.keys()].join(', ')}`,
      );
    }
    try {
      steps.push(def.build(options, { arity: crm.length, targets }));
    } catch (error) {
      if (error instanceof BuildError) problem([...at, 'transform', j, name, ...error.path], error.message);
      throw error;
    }
  });
  // Lists flow from several CRM paths or a split, into a join/pick/template or several ERP paths.
  let list = crm.length > 1;
  steps.forEach((step, j) => {
    const path =
      spec.template !== undefined && j === 0
        ? [...at, 'template']
        : [...at, 'transform', j - (spec.template === undefined ? 0 : 1)];
    if (list && !LIST_IN.has(step.name))
      problem(
        path,
        `${step.name} takes one value, but the field has several; join them first, e.g. { join: ' ' }, or use a template`,
      );
    list = step.emitsList === true || (list && !LIST_IN.has(step.name));
  });
  if (list !== targets > 1)
    problem(
      [...at, 'erp'],
      list
        ? `the value is a list (from ${crm.length > 1 ? 'several CRM paths' : 'split'}): give as many ERP paths, or join it, e.g. { join: ', ' }`
        : `${targets} ERP paths need a list: add { split: '<separator>' } to the transforms`,
    );
  return { steps, crm };
}

/** A value map on a required field needs a default, or it rejects every unlisted value. */
export function requireMapDefaults(
  spec: Pick<FieldSpec, 'transform'>,
  at: readonly (string | number)[],
  problem: Problem,
): void {
  spec.transform.forEach((entry, j) => {
    if (
      typeof entry === 'object' &&
      'map' in entry &&
      (entry as { map: { default?: unknown } }).map.default === undefined
    )
      problem(
        [...at, 'transform', j, 'map'],
        `a value map without a default on a required field rejects every record with an unlisted value; add default: <value>, or drop required`,
      );
  });
}
