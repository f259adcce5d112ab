/**
 * The values a mapping moves: scalars, or lists of them (several source paths, split text).
 * Vendor quirks are flattened here once: Odoo's `false` for an empty field, empty strings and
 * absent keys all become `null`, and Odoo's many2one pair `[id, "name"]` becomes its id.
 */

/** One mapped value. Lists come from several source paths, `split` or a template's inverse. */
export type Value = string | number | boolean | null | readonly Value[];

/** Thrown by a transform for one record's value; caught per field and turned into a MapResult. */
export class StepFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StepFailure';
  }
}

/** Fails the current value with a reason that names the value (shortened). */
export function fail(reason: string): never {
  throw new StepFailure(reason);
}

/** Shows a value in an error message, at most 40 characters. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * A vendor value as a mapping value: `undefined`, `''` and Odoo's `false` for an empty non-boolean
 * field become null; a many2one pair becomes its id; a nested object is refused (not a value).
 * `booleanField` keeps `false` (an Odoo boolean field really is false).
 */
export function fromVendor(raw: unknown, booleanField: boolean): Value {
  if (raw === undefined || raw === null) return null;
  switch (typeof raw) {
    case 'string':
      return raw === '' ? null : raw;
    case 'number':
      return Number.isFinite(raw) ? raw : fail(`${String(raw)} is not a finite number`);
    case 'boolean':
      return raw || booleanField ? raw : null;
    case 'object':
      if (Array.isArray(raw)) {
        // Odoo many2one: [id, display_name].
        if (raw.length === 2 && typeof raw[0] === 'number' && typeof raw[1] === 'string') return raw[0];
        return raw.map((item: unknown) => fromVendor(item, booleanField));
      }
      return fail(`holds a map (${show(raw)}), not a value`);
    default:
      return fail(`holds a ${typeof raw}, not a value`);
  }
}

/** A compiled path: reads a value at `a.b.0.c` from a record's fields with no per-call parsing. */
export type PathReader = (fields: Readonly<Record<string, unknown>>) => unknown;

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compiles `a.b.0` into a reader. A one-segment path gets a function of its own (`new Function`
 * over a key checked to be a plain identifier), so each field has its own inline cache: one
 * shared closure reading many property names goes megamorphic in V8 and is ~2x slower.
 */
export function pathReader(path: string): PathReader {
  const parts = path.split('.');
  if (parts.length === 1) {
    if (!SIMPLE_KEY.test(path)) return (fields) => fields[path];
    return new Function('fields', `return fields[${JSON.stringify(path)}];`) as PathReader;
  }
  return (fields) => {
    let node: unknown = fields;
    for (const part of parts) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[part];
    }
    return node;
  };
}

/** Compiles a one-key writer with an inline cache of its own (see {@link pathReader}). */
export function keyWriter(key: string): (out: Record<string, unknown>, value: unknown) => void {
  if (!SIMPLE_KEY.test(key))
    return (out, value) => {
      out[key] = value;
    };
  return new Function('out', 'value', `out[${JSON.stringify(key)}] = value;`) as (
    out: Record<string, unknown>,
    value: unknown,
  ) => void;
}

/** Writes `value` at `a.b` in `out`, creating the intermediate maps. */
export function writePath(out: Record<string, unknown>, path: string, value: unknown): void {
  const dot = path.indexOf('.');
  if (dot < 0) {
    out[path] = value;
    return;
  }
  const parts = path.split('.');
  let node = out;
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string;
    const next = node[key];
    if (next !== null && typeof next === 'object' && !Array.isArray(next)) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Equality of mapping values (lists element-wise): how canonical values are compared. */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  return false;
}

/** The value as text for text transforms: numbers and booleans are written as JSON writes them. */
export function asText(value: Value, step: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(`${step} expects text, got a list ${show(value)}`);
}
