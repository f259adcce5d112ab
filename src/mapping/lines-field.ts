/**
 * A collection field (`lines:`): a deal's line items -> an order's lines. Each line is mapped by
 * its own field specs, whose paths are keys of the line objects. The canonical value is the list
 * of per-line tuples (values in line-field order), sorted by the key, then by the other values:
 * both sides give the same list whatever order their lines come in, so the usual equality and
 * three-way merge compare it. Lines flow CRM -> ERP only.
 */
import { buildSteps, requireMapDefaults } from './field-steps.js';
import { erpCanonicaliser, forwardChain, reader, writer, type FieldPlan, type Fields } from './field-io.js';
import type { FieldSpec, LineFieldSpec, MappingFile } from './schema.js';
import type { StepFn } from './transforms/step.js';
import type { Direction, Owner, Problem } from './types.js';
import { StepFailure, fail, keyWriter, pathReader, show, writePath, type Value } from './values.js';

type At = readonly (string | number)[];

/** One compiled field of the lines. */
interface LinePlan {
  readonly name: string;
  readonly required: boolean;
  readonly resolves: boolean;
  readonly readCrm: (line: Fields) => Value;
  readonly readErp: (line: Fields) => Value;
  readonly forward: StepFn;
  readonly canonErp: (value: Value) => Value;
  readonly write: (out: Record<string, unknown>, value: Value) => void;
}

function compileLineField(file: MappingFile, line: LineFieldSpec, at: At, problem: Problem): LinePlan {
  const asField: FieldSpec = line;
  const { steps, crm } = buildSteps(asField, at, problem);
  if (line.required) requireMapDefaults(asField, at, problem);
  const last = steps[steps.length - 1];
  const ids = last?.resolves === true;
  const trim = file.defaults.trim;
  return {
    name: line.name ?? line.erp,
    required: line.required,
    resolves: steps.some((s) => s.resolves === true),
    readCrm: reader(crm, true, trim, false),
    readErp: reader(
      [line.erp],
      steps.some((s) => s.emitsBoolean === true),
      trim,
      ids,
    ),
    forward: forwardChain(steps),
    canonErp: erpCanonicaliser(steps, ids),
    write: writer([line.erp], ids, last?.payload),
  };
}

/** Orders values: empty, booleans, numbers, text, lists (element by element); a total order. */
export function compareValues(a: Value, b: Value): number {
  const rank = (v: Value): number =>
    v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : typeof v === 'string' ? 3 : 4;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' || typeof a === 'boolean') return a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0;
  if (!Array.isArray(a) || !Array.isArray(b)) return 0;
  const la = a as readonly Value[];
  const lb = b as readonly Value[];
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const c = compareValues(la[i] ?? null, lb[i] ?? null);
    if (c !== 0) return c;
  }
  return la.length - lb.length;
}

/** Sorts line tuples by the key's value, then by the other values in line-field order. */
function sortLines(lines: Value[][], key: number): Value[][] {
  return lines.sort((a, b) => compareValues(a[key] ?? null, b[key] ?? null) || compareValues(a, b));
}

/** Names the line (1-based, with its vendor id when it has one) and the line field in a failure. */
function lineFailure(error: unknown, index: number, label: Value, field: string): StepFailure {
  if (!(error instanceof StepFailure)) throw error;
  const id = label === null ? '' : ` (id ${show(label)})`;
  return new StepFailure(`line ${index + 1}${id}, ${field}: ${error.message}`);
}

const labelOf = (line: Fields): Value =>
  typeof line['id'] === 'string' || typeof line['id'] === 'number' ? line['id'] : null;

/**
 * Reads the lines at `path` as `[label, ...values read]` per line (the label is the line's own id,
 * for messages); no list is no lines.
 */
function linesReader(path: string, reads: readonly ((line: Fields) => Value)[], names: readonly string[]) {
  const get = pathReader(path);
  return (fields: Fields): Value => {
    const raw = get(fields);
    if (raw === undefined || raw === null || raw === false) return [];
    if (!Array.isArray(raw)) return fail(`${path} holds ${show(raw)}, not a list of lines`);
    return raw.map((line: unknown, i): Value[] => {
      if (typeof line !== 'object' || line === null || Array.isArray(line))
        return fail(`line ${i + 1} is ${show(line)}, not a line object`);
      const label = labelOf(line as Fields);
      const out: Value[] = [label];
      reads.forEach((read, j) => {
        try {
          out.push(read(line as Fields));
        } catch (error) {
          throw lineFailure(error, i, label, names[j] ?? '');
        }
      });
      return out;
    });
  };
}

/**
 * Maps every line through `map` (per line field), then sorts them. Every line and field is tried
 * even after one failed, so that a first pass asks the resolver for every catalog value the lines
 * need (the pipeline prefetches the misses, then maps again); the first failure is thrown.
 * `check` (the CRM side) refuses empty required values, the key's included; without it (the ERP
 * side) a line with an empty key is left out: a section or note line, which the mapping does not
 * manage, and which must not make the order unmappable.
 */
function eachLine(
  plans: readonly LinePlan[],
  key: number,
  check: boolean,
  map: (plan: LinePlan, value: Value, resolver: Parameters<StepFn>[1]) => Value,
): StepFn {
  return (value, resolver) => {
    const lines = Array.isArray(value) ? (value as readonly Value[]) : [];
    let first: StepFailure | undefined;
    const out: Value[][] = [];
    lines.forEach((line, i) => {
      const [label = null, ...raw] = Array.isArray(line) ? (line as readonly Value[]) : [];
      const tuple = plans.map((plan, j) => {
        try {
          const v = map(plan, raw[j] ?? null, resolver);
          return v === null && check && (plan.required || j === key) ? fail('is required but empty') : v;
        } catch (error) {
          first ??= lineFailure(error, i, label, plan.name);
          return null;
        }
      });
      if (check || tuple[key] !== null) out.push(tuple);
    });
    if (first !== undefined) throw first;
    return sortLines(out, key);
  };
}

/** Writes the canonical line tuples as line objects at `path` (empty values left out). */
function linesWriter(path: string, plans: readonly LinePlan[]) {
  const set = path.includes('.')
    ? (out: Record<string, unknown>, v: unknown) => writePath(out, path, v)
    : keyWriter(path);
  return (out: Record<string, unknown>, value: Value): void => {
    if (value !== null && !Array.isArray(value)) fail(`expects a list of lines, got ${show(value)}`);
    const lines = (value ?? []) as readonly Value[];
    set(
      out,
      lines.map((tuple, i) => {
        if (!Array.isArray(tuple)) return fail(`line ${i + 1} is ${show(tuple)}, not a line`);
        const line: Record<string, unknown> = {};
        plans.forEach((plan, j) => {
          const v = (tuple as readonly Value[])[j] ?? null;
          if (v !== null) plan.write(line, v);
        });
        return line;
      }),
    );
  };
}

/** Refuses what a lines field cannot be: another shape than one CRM path -> one ERP path, CRM -> ERP. */
function checkShape(spec: FieldSpec, direction: Direction, at: At, problem: Problem): { crm: string; erp: string } {
  if (typeof spec.crm !== 'string' || spec.template !== undefined)
    problem([...at, 'crm'], 'a lines field reads one CRM path holding the lines, e.g. crm: line_items');
  if (typeof spec.erp !== 'string') problem([...at, 'erp'], 'a lines field writes one ERP path, e.g. erp: order_line');
  if (spec.transform.length > 0 || spec.reference !== undefined)
    problem(
      [...at, spec.reference === undefined ? 'transform' : 'reference'],
      'a lines field takes no transforms or reference itself; give transforms to its line fields under lines.fields',
    );
  if (direction !== 'crm->erp')
    problem(
      spec.direction === undefined ? [...at, 'lines'] : [...at, 'direction'],
      `lines flow CRM -> ERP only (Tandem does not write lines back to the CRM), but this field flows ${direction}; set direction: crm->erp on it`,
    );
  return { crm: spec.crm as string, erp: spec.erp as string };
}

/** Compiles the lines field `spec` at `at`. */
export function compileLines(
  file: MappingFile,
  spec: FieldSpec,
  flow: { direction: Direction; owner: Owner },
  at: At,
  problem: Problem,
): FieldPlan {
  const paths = checkShape(spec, flow.direction, at, problem);
  const lines = spec.lines as NonNullable<FieldSpec['lines']>;
  const plans = lines.fields.map((line, j) => compileLineField(file, line, [...at, 'lines', 'fields', j], problem));
  const names = plans.map((p) => p.name);
  names.forEach((name, j) => {
    if (names.indexOf(name) !== j)
      problem([...at, 'lines', 'fields', j], `two line fields are named ${name}; give one a name: or another erp key`);
  });
  const named = names.indexOf(lines.key);
  if (named < 0) problem([...at, 'lines', 'key'], `key names a line field; have: ${names.join(', ')}`);
  const oneWay: StepFn = () => fail('lines flow CRM -> ERP only');
  // Every CRM line needs its key: it is what the ERP pairs lines by.
  const forward = eachLine(plans, named, true, (plan, v, resolver) => plan.forward(v, resolver));
  const canonErp = eachLine(plans, named, false, (plan, v) => plan.canonErp(v));
  return {
    spec: Object.freeze({
      name: spec.name ?? paths.erp,
      crm: [paths.crm],
      erp: [paths.erp],
      direction: flow.direction,
      owner: flow.owner,
      tie: spec.tie ?? file.defaults.tie,
      required: spec.required,
      reference: undefined,
      references: [],
      lines: names,
    }),
    toErp: true,
    toCrm: false,
    resolves: plans.some((p) => p.resolves),
    readCrm: linesReader(
      paths.crm,
      plans.map((p) => p.readCrm),
      names,
    ),
    readErp: linesReader(
      paths.erp,
      plans.map((p) => p.readErp),
      names,
    ),
    forward: (value, resolver) => {
      const out = forward(value, resolver);
      return spec.required && Array.isArray(out) && out.length === 0 ? fail('is required but has no lines') : out;
    },
    inverse: oneWay,
    canonErp: (value) => canonErp(value, undefined),
    writeErp: linesWriter(paths.erp, plans),
    writeCrm: () => fail('lines flow CRM -> ERP only'),
    steps: [],
  };
}
