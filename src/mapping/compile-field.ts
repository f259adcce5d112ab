/**
 * Compiles one field of a mapping file into plain functions: readers for both sides, the
 * transform chain forward (CRM -> ERP) and back, the canonical form of an ERP value, and writers.
 * Problems are reported through `problem(path, message)` with the path of the offending key.
 */
import type { FieldSpec, MappingFile } from './schema.js';
import type { Direction, Owner, Problem } from './types.js';
import { buildSteps, requireMapDefaults } from './field-steps.js';
import { chain, erpCanonicaliser, forwardChain, reader, writer, type FieldPlan } from './field-io.js';
import { compileLines } from './lines-field.js';
import { referenceSteps, referenceSyncs } from './reference-field.js';
import type { Step } from './transforms/step.js';
import { fail, show, type Value } from './values.js';

export { WaitingReference } from './reference-field.js';

export type { FieldPlan } from './field-io.js';

/** Compiles field `index` of `file`. */
export function compileField(file: MappingFile, index: number, problem: Problem): FieldPlan {
  const spec = file.fields[index] as FieldSpec;
  const at = ['fields', index];
  const { direction, owner } = directionAndOwner(file, spec, at, problem);
  const erp = typeof spec.erp === 'string' ? [spec.erp] : spec.erp;
  if (spec.lines !== undefined) return compileLines(file, spec, { direction, owner }, at, problem);
  const { steps, crm } = fieldSteps(spec, erp, direction, at, problem);
  // Only a field written to the CRM undoes its steps (a compared-only one reads both sides forward).
  if (direction === 'both' || direction === 'erp->crm') requireInverses(spec, steps, at, problem);
  if (spec.required) requireMapDefaults(spec, at, problem);

  const ids = spec.reference !== undefined || steps[steps.length - 1]?.resolves === true;
  const keepFalse = steps.some((s) => s.emitsBoolean === true);
  const reversed = [...steps].reverse();
  const trim = file.defaults.trim;
  return {
    spec: Object.freeze({
      name: spec.name ?? erp.join('_'),
      crm,
      erp,
      direction,
      owner,
      tie: spec.tie ?? file.defaults.tie,
      required: spec.required,
      reference: typeof spec.reference === 'string' ? spec.reference : undefined,
      references: referenceSyncs(spec),
    }),
    toErp: direction === 'both' || direction === 'crm->erp',
    toCrm: direction === 'both' || direction === 'erp->crm',
    resolves: steps.some((s) => s.resolves === true),
    readCrm: reader(crm, true, trim, false),
    readErp: reader(erp, keepFalse, trim, ids),
    forward: forwardChain(steps),
    inverse: chain(
      reversed,
      reversed.map((s) => s.inverse ?? ((v: Value) => fail(`${s.name} cannot be undone: ${show(v)}`))),
    ),
    canonErp: erpCanonicaliser(steps, ids),
    writeErp: writer(erp, ids, steps[steps.length - 1]?.payload),
    writeCrm: writer(crm, false),
    steps,
  };
}

function directionAndOwner(
  file: MappingFile,
  spec: FieldSpec,
  at: readonly (string | number)[],
  problem: Problem,
): { direction: Direction; owner: Owner } {
  const direction: Direction = spec.direction ?? file.defaults.direction;
  if (direction !== 'both' && spec.owner !== undefined)
    problem([...at, 'owner'], `owner applies to two-way fields only; remove it, or set direction: both`);
  if (direction === 'none') {
    // Compared only: nothing is ever written, so nothing on a flow or a write applies.
    for (const key of ['reference', 'lines', 'required', 'tie'] as const)
      if (spec[key] !== undefined && spec[key] !== false)
        problem(
          [...at, key],
          `${key} does not apply to a compared-only field (direction: none): nothing writes it; remove ${key}, or give the field a direction`,
        );
    return { direction, owner: 'manual' };
  }
  const owner: Owner =
    direction === 'both' ? (spec.owner ?? file.defaults.owner) : direction === 'crm->erp' ? 'crm' : 'erp';
  return { direction, owner };
}

/** The field's steps and CRM paths: a reference field's one step, or its template and transforms. */
function fieldSteps(
  spec: FieldSpec,
  erp: readonly string[],
  direction: Direction,
  at: readonly (string | number)[],
  problem: Problem,
): { steps: Step[]; crm: string[] } {
  if (spec.reference === undefined) return buildSteps(spec, at, problem);
  return referenceSteps(spec, erp, direction, at, problem);
}

/** A field that flows ERP -> CRM needs every step undone; names the first that cannot be. */
function requireInverses(
  spec: FieldSpec,
  steps: readonly Step[],
  at: readonly (string | number)[],
  problem: Problem,
): void {
  steps.forEach((step, j) => {
    if (step.inverse !== undefined) return;
    const path =
      spec.template !== undefined && j === 0
        ? [...at, 'template']
        : [...at, 'transform', j - (spec.template === undefined ? 0 : 1)];
    problem(
      path,
      `${step.name} cannot be undone (${step.noInverse ?? 'no inverse'}), so this field cannot flow ERP -> CRM; set direction: crm->erp on the field, or use transforms that can be undone`,
    );
  });
}
