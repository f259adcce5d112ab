/**
 * The pieces a compiled field is made of, shared by plain fields and the fields of a collection's
 * lines: readers over a record's (or a line's) values, the transform chain, the canonical form of
 * an ERP value, and writers into a payload.
 */
import type { Step, StepFn } from './transforms/step.js';
import type { MappedField } from './types.js';
import { fail, fromVendor, keyWriter, pathReader, show, writePath, type Value } from './values.js';

export type Fields = Readonly<Record<string, unknown>>;

/** One compiled field: what the record steps run. */
export interface FieldPlan {
  readonly spec: MappedField;
  readonly toErp: boolean;
  readonly toCrm: boolean;
  /** Needs a resolver: without one the field is left out. */
  readonly resolves: boolean;
  readonly readCrm: (fields: Fields) => Value;
  readonly readErp: (fields: Fields) => Value;
  readonly forward: StepFn;
  readonly inverse: StepFn;
  /** An ERP value in canonical form (what `forward` would have produced for it). */
  readonly canonErp: (value: Value) => Value;
  readonly writeErp: (out: Record<string, unknown>, value: Value) => void;
  readonly writeCrm: (out: Record<string, unknown>, value: Value) => void;
  readonly steps: readonly Step[];
}

/** Runs `fns` in a row; null skips the steps that do not take it. */
export function chain(steps: readonly Step[], fns: readonly StepFn[]): StepFn {
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

/** Reads `paths` (one value, or a list for several); `ids` reads numbers as text (record ids). */
export function reader(paths: readonly string[], keepFalse: boolean, trim: boolean, ids: boolean) {
  const one = (path: string): ((fields: Fields) => Value) => {
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
  return (fields: Fields): Value => readers.map((read) => read(fields));
}

/**
 * Writes a value at `paths`; `ids` writes id text as numbers, `payload` (a step's, e.g. decimal
 * text -> a JSON number) turns a one-path value into what the vendor takes.
 */
export function writer(paths: readonly string[], ids: boolean, payload?: (value: Value) => Value) {
  const encode = (v: Value): unknown =>
    ids && typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : payload === undefined ? v : payload(v);
  if (paths.length === 1) {
    const path = paths[0] as string;
    if (path.includes('.')) return (out: Record<string, unknown>, v: Value) => writePath(out, path, encode(v));
    const set = keyWriter(path);
    return ids || payload !== undefined ? (out: Record<string, unknown>, v: Value) => set(out, encode(v)) : set;
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

/** The forward (CRM -> ERP) chain of `steps`. */
export const forwardChain = (steps: readonly Step[]): StepFn =>
  chain(
    steps,
    steps.map((s) => s.forward),
  );

/**
 * An ERP value in canonical form: ids as text, or the value undone and redone through the steps
 * after the last resolving one (when they can all be undone).
 */
export function erpCanonicaliser(steps: readonly Step[], ids: boolean): (value: Value) => Value {
  const lastResolving = steps.findLastIndex((s) => s.resolves === true);
  const tail = steps.slice(lastResolving + 1);
  const tailInvertible = tail.every((s) => s.inverse !== undefined);
  const tailRoundTrip = tail.length === 0 || !tailInvertible ? undefined : forwardChain(tail);
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
