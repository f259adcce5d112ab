/** Per-side filters: which records take part. Compiled to one function returning why not, or null. */
import type { FilterCondition } from '../../connectors/types.js';
import type { ConditionSpec } from './schema.js';
import { pathReader, show } from './values.js';

type Fields = Readonly<Record<string, unknown>>;

/** Empty for a filter: absent, null, Odoo's `false` for a text field, or blank text. */
function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === false || (typeof value === 'string' && value.trim() === '');
}

/** Equal for a filter: a vendor's "5" equals 5, and "true" equals true (HubSpot writes text). */
function matches(value: unknown, expected: unknown): boolean {
  if (value === expected) return true;
  if (expected === null) return isEmpty(value);
  if (typeof value === 'string') return value.trim() === String(expected);
  return false;
}

/** The paths a condition reads. */
export function conditionPaths(condition: ConditionSpec | undefined): string[] {
  if (condition === undefined) return [];
  return [
    ...condition.required,
    ...Object.keys(condition.equals),
    ...Object.keys(condition.notEquals),
    ...Object.keys(condition.in),
  ];
}

/** The reason a record is filtered out, or null when it passes. */
export type CompiledCondition = (fields: Fields) => string | null;

/** Compiles a condition: the returned function gives the reason a record is filtered out, or null. */
export function compileCondition(condition: ConditionSpec | undefined): CompiledCondition {
  if (condition === undefined) return () => null;
  const checks: ((fields: Fields) => string | null)[] = [];
  for (const path of condition.required) {
    const get = pathReader(path);
    checks.push((fields) => (isEmpty(get(fields)) ? `${path} is empty` : null));
  }
  for (const [path, expected] of Object.entries(condition.equals)) {
    const get = pathReader(path);
    checks.push((fields) => (matches(get(fields), expected) ? null : `${path} is not ${show(expected)}`));
  }
  for (const [path, unwanted] of Object.entries(condition.notEquals)) {
    const get = pathReader(path);
    checks.push((fields) => (matches(get(fields), unwanted) ? `${path} is ${show(unwanted)}` : null));
  }
  for (const [path, allowed] of Object.entries(condition.in)) {
    const get = pathReader(path);
    checks.push((fields) => {
      const value = get(fields);
      return allowed.some((a) => matches(value, a)) ? null : `${path} is none of ${show(allowed)}`;
    });
  }
  return (fields) => {
    for (const check of checks) {
      const reason = check(fields);
      if (reason !== null) return reason;
    }
    return null;
  };
}

/**
 * The part of a condition a vendor query can carry (filter pushdown, connectors/types.ts
 * `ReadOptions.filter`): `required` on a top-level field, and `equals` a boolean on one. Each is
 * pushed as a superset of what the local check keeps (text that is only blanks is "present" to a
 * vendor, empty here), so the local check stays, and decides. Not pushed: dotted paths, `equals`
 * with text or numbers (the local check trims text and takes "5" for 5; a vendor's `=` does not),
 * `notEquals` and `in`.
 */
export function pushdownOf(condition: ConditionSpec | undefined): FilterCondition[] {
  if (condition === undefined) return [];
  const topLevel = (path: string): boolean => !path.includes('.') && !path.includes('[');
  return [
    ...condition.required.filter(topLevel).map((field): FilterCondition => ({ field, test: 'present' })),
    ...Object.entries(condition.equals).flatMap(([field, value]): FilterCondition[] =>
      topLevel(field) && typeof value === 'boolean' ? [{ field, test: 'equals', value }] : [],
    ),
  ];
}
