/**
 * Compiles one field of a mapping file into plain functions: readers for both sides, the
 * transform chain forward (CRM -> ERP) and back, the canonical form of an ERP value, and writers.
 * Problems are reported through `problem(path, message)` with the path of the offending key.
 */
import type { ReferenceResolver, Side } from './resolver.js';
import type { FieldSpec, MappingFile } from './schema.js';
import type { Direction, MappedField, Owner, Problem } from './types.js';
import { buildSteps } from './field-steps.js';
import type { Step, StepFn } from './transforms/step.js';
import { asText, fail, fromVendor, keyWriter, pathReader, show, writePath, type Value } from './values.js';

/** Reports a problem at a key path of the mapping file; never returns. */

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

export interface FieldPlan {
  readonly spec: MappedField;
  readonly toErp: boolean;
  readonly toCrm: boolean;
  /** Needs a resolver: without one the field is left out. */
  readonly resolves: boolean;
  readonly readCrm: (fields: Readonly<Record<string, unknown>>) => Value;
  readonly readErp: (fields: Readonly<Record<string, unknown>>) => Value;
  readonly forward: StepFn;
  readonly inverse: StepFn;
  /** An ERP value in canonical form (what `forward` would have produced for it). */
  readonly canonErp: (value: Value) => Value;
  readonly writeErp: (out: Record<string, unknown>, value: Value) => void;
  readonly writeCrm: (out: Record<string, unknown>, value: Value) => void;
  readonly steps: readonly Step[];
}

function chain(steps: readonly Step[], fns: readonly StepFn[]): StepFn {
  const nulls = steps.map((s) => s.nulls === true);
  const n = fns.length;
  if (n === 0) return (value) => value;
  if (n === 1) {
    const only = fns[0] as StepFn;
    return nulls[0] === true ? only : (value, r) => (value === null ? null : only(value, r));
  }
  return (value, r) => {
    let v = value;
    for (let i = 0; i < n; i++) if (v !== null || nulls[i] === true) v = (fns[i] as StepFn)(v, r);
    return v;
  };
}

function reader(paths: readonly string[], keepFalse: boolean, trim: boolean, ids: boolean) {
  const one = (path: string): ((fields: Readonly<Record<string, unknown>>) => Value) => {
    const get = pathReader(path);
    return (fields) => {
      const raw = get(fields);
      // Text is by far the common case (HubSpot sends every property as text): no detour.
      if (typeof raw === 'string') {
        const t = trim ? raw.trim() : raw;
        return t === '' ? null : t;
      }
      const v = fromVendor(raw, keepFalse);
      return ids && typeof v === 'number' ? String(v) : v;
    };
  };
  if (paths.length === 1) return one(paths[0] as string);
  const readers = paths.map(one);
  return (fields: Readonly<Record<string, unknown>>): Value => readers.map((read) => read(fields));
}

function writer(paths: readonly string[], ids: boolean) {
  const encode = (v: Value): unknown => (ids && typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v);
  if (paths.length === 1) {
    const path = paths[0] as string;
    if (path.includes('.')) return (out: Record<string, unknown>, v: Value) => writePath(out, path, encode(v));
    const set = keyWriter(path);
    return ids ? (out: Record<string, unknown>, v: Value) => set(out, encode(v)) : set;
  }
  return (out: Record<string, unknown>, v: Value): void => {
    if (v === null) {
      for (const path of paths) writePath(out, path, null);
      return;
    }
    if (!Array.isArray(v) || v.length !== paths.length)
      fail(`${paths.join(', ')} take ${paths.length} values, got ${show(v)}`);
    paths.forEach((path, i) => writePath(out, path, encode((v as Value[])[i] ?? null)));
  };
}

/** Compiles field `index` of `file`. */
export function compileField(file: MappingFile, index: number, problem: Problem): FieldPlan {
  const spec = file.fields[index] as FieldSpec;
  const at = ['fields', index];
  const { direction, owner } = directionAndOwner(file, spec, at, problem);
  const erp = typeof spec.erp === 'string' ? [spec.erp] : spec.erp;
  const { steps, crm } = fieldSteps(spec, erp, at, problem);
  if (direction !== 'crm->erp') requireInverses(spec, steps, at, problem);
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
      reference: spec.reference,
    }),
    toErp: direction !== 'erp->crm',
    toCrm: direction !== 'crm->erp',
    resolves: steps.some((s) => s.resolves === true),
    readCrm: reader(crm, true, trim, false),
    readErp: reader(erp, keepFalse, trim, ids),
    forward: chain(
      steps,
      steps.map((s) => s.forward),
    ),
    inverse: chain(
      reversed,
      reversed.map((s) => s.inverse ?? ((v: Value) => fail(`${s.name} cannot be undone: ${show(v)}`))),
    ),
    canonErp: erpCanonicaliser(steps, ids),
    writeErp: writer(erp, ids),
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
  const owner: Owner =
    direction === 'both' ? (spec.owner ?? file.defaults.owner) : direction === 'crm->erp' ? 'crm' : 'erp';
  return { direction, owner };
}

/** The field's steps and CRM paths: a reference field's one lookup step, or its template and transforms. */
function fieldSteps(
  spec: FieldSpec,
  erp: readonly string[],
  at: readonly (string | number)[],
  problem: Problem,
): { steps: Step[]; crm: string[] } {
  if (spec.reference === undefined) return buildSteps(spec, at, problem);
  if (spec.transform.length > 0 || spec.template !== undefined)
    problem(
      [...at, 'reference'],
      'a reference field maps ids through links and takes no transforms or template; remove them',
    );
  if (typeof spec.crm !== 'string' || erp.length !== 1)
    problem(
      [...at, 'reference'],
      'a reference field reads one CRM path and writes one ERP path, e.g. { crm: associatedcompanyid, erp: parent_id }',
    );
  return { steps: [referenceStep(spec.reference)], crm: [spec.crm] };
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

function requireMapDefaults(spec: FieldSpec, at: readonly (string | number)[], problem: Problem): void {
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

/**
 * An ERP value in canonical form: ids as text, or the value undone and redone through the steps
 * after the last resolving one (when they can all be undone).
 */
function erpCanonicaliser(steps: readonly Step[], ids: boolean): (value: Value) => Value {
  const lastResolving = steps.findLastIndex((s) => s.resolves === true);
  const tail = steps.slice(lastResolving + 1);
  const tailInvertible = tail.every((s) => s.inverse !== undefined);
  const tailRoundTrip =
    tail.length === 0 || !tailInvertible
      ? undefined
      : chain(
          tail,
          tail.map((s) => s.forward),
        );
  const tailBack = chain(
    [...tail].reverse(),
    [...tail].reverse().map((s) => s.inverse as StepFn),
  );
  return (v: Value): Value =>
    ids
      ? v === null
        ? null
        : typeof v === 'number'
          ? String(v)
          : v
      : tailRoundTrip === undefined
        ? v
        : tailRoundTrip(tailBack(v, undefined), undefined);
}

function referenceStep(sync: string): Step {
  const resolve =
    (side: Side) =>
    (value: Value, resolver: ReferenceResolver | undefined): Value => {
      const id = asText(value, 'reference');
      const found = resolver?.resolve(sync, side, id);
      if (found === undefined) throw new WaitingReference(sync, id);
      return found;
    };
  return { name: 'reference', resolves: true, forward: resolve('erp'), inverse: resolve('crm') };
}
