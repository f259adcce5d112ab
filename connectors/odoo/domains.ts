/** Odoo domain building shared by the connector's queries. */

/**
 * Leaves OR-ed in Odoo's prefix notation: `['|', '|', a, b, c]` for three. One leaf is itself; none
 * is the empty domain (every record), so callers ask only with values.
 */
export function anyOf(leaves: readonly unknown[]): unknown[] {
  return [...new Array<string>(Math.max(0, leaves.length - 1)).fill('|'), ...leaves];
}
