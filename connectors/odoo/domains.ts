/** Odoo domain building shared by the connector's queries. */
import type { FilterCondition } from '../types.js';

/**
 * Leaves OR-ed in Odoo's prefix notation: `['|', '|', a, b, c]` for three. One leaf is itself; none
 * is the empty domain (every record), so callers ask only with values.
 */
export function anyOf(leaves: readonly unknown[]): unknown[] {
  return [...new Array<string>(Math.max(0, leaves.length - 1)).fill('|'), ...leaves];
}

/**
 * Whole domains (each one expression in prefix notation, as {@link anyOf} builds) OR-ed:
 * `['|', ...a, ...b]` for two. One is itself.
 */
export function anyOfDomains(domains: readonly (readonly unknown[])[]): unknown[] {
  return [...new Array<string>(Math.max(0, domains.length - 1)).fill('|'), ...domains.flat()];
}

/**
 * A sync's pushed-down filter as domain leaves (AND-ed by being listed): `present` is
 * `(field, '!=', False)` (Odoo's "set": not NULL, and for a boolean not false), `equals` a boolean
 * is `(field, '=', value)` (`= False` matches NULL too, a superset the engine's own check narrows).
 */
export function filterLeaves(filter: readonly FilterCondition[] | undefined): unknown[] {
  return (filter ?? []).map((c) => (c.test === 'present' ? [c.field, '!=', false] : [c.field, '=', c.value]));
}
