/**
 * Conversions between the wire values of Odoo's RPC and the sandbox's SQLite columns. Odoo
 * sends `false` for every empty value (except booleans, which are real booleans), a many2one as
 * `[id, display_name]`, and datetimes as 'YYYY-MM-DD HH:MM:SS' strings in UTC.
 */
import { pyRepr, valueError } from './errors.js';
import type { FieldDef, ModelDef } from './fields.js';

/** A stored value read back for the wire; many2one display names come from `names`. */
export function toWire(field: FieldDef, value: unknown, names: ReadonlyMap<number, string>): unknown {
  if (field.type === 'boolean') return value === 1 || value === true;
  if (value === null || value === undefined) return false;
  // Stored with microseconds, shown to the second (`fields.Datetime.to_string`).
  if (field.type === 'datetime' && typeof value === 'string') return value.slice(0, 19);
  if (field.type === 'many2one') {
    const id = Number(value);
    return [id, names.get(id) ?? ''];
  }
  return value;
}

/** A value sent by a client, checked and converted for its column; `null` clears it. */
export function fromWire(model: ModelDef, field: FieldDef, value: unknown): unknown {
  if (field.type === 'boolean')
    return value === true || value === 1 || (typeof value === 'string' && value !== '') ? 1 : 0;
  if (value === false || value === null || value === undefined) return null;
  switch (field.type) {
    case 'many2one':
      // A few clients send [id, name] back as they read it; Odoo's convert_to_cache takes the id.
      if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      break;
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      break;
    case 'datetime':
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return value;
      break;
    default:
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
  }
  throw valueError(`Wrong value for ${model.name}.${field.name}: ${pyRepr(value)}`);
}

/** Odoo's ORDER BY check: a comma-separated list of stored field names, each optionally asc/desc. */
export function orderBy(model: ModelDef, order: unknown): string {
  const spec = typeof order === 'string' && order.trim() !== '' ? order : model.defaultOrder;
  const terms: string[] = [];
  let hasId = false;
  for (const part of spec.split(',')) {
    const match = /^\s*([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i.exec(part);
    const field = match?.[1] === undefined ? undefined : model.fields.get(match[1]);
    if (match === null || field === undefined || field.column === undefined) {
      throw valueError(
        `Invalid "order" specified (${spec}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
      );
    }
    if (field.name === 'id') hasId = true;
    const direction = (match[2] ?? 'asc').toUpperCase();
    const nulls = match[3] === undefined ? '' : ` NULLS ${match[3].toUpperCase()}`;
    terms.push(`"${field.column}" ${direction}${nulls}`);
  }
  // A total order, so that limit/offset pages are stable.
  if (!hasId) terms.push('"id" ASC');
  return terms.join(', ');
}
