/**
 * Conversions between the wire values of Odoo's RPC and the sandbox's SQLite columns. Odoo
 * sends `false` for every empty value (except booleans, which are real booleans), a many2one as
 * `[id, display_name]`, and datetimes as 'YYYY-MM-DD HH:MM:SS' strings in UTC.
 */
import { pyRepr, valueError } from './errors.js';
import type { FieldDef, ModelDef } from './fields.js';
import { decimal, roundDigits, toNumber } from './money.js';

/** A stored value read back for the wire; many2one display names come from `names`. */
export function toWire(field: FieldDef, value: unknown, names: ReadonlyMap<number, string>): unknown {
  if (field.type === 'boolean') return value === 1 || value === true;
  // A float or monetary field is never False: empty reads 0.0.
  if (field.type === 'float' || field.type === 'monetary') return typeof value === 'number' ? value : 0;
  if (field.type === 'many2many' && (value === null || value === undefined)) return [];
  if (value === null || value === undefined) return false;
  // Stored with microseconds, shown to the second (`fields.Datetime.to_string`).
  if (field.type === 'datetime' && typeof value === 'string') return value.slice(0, 19);
  if (field.type === 'many2one') {
    const id = Number(value);
    return [id, names.get(id) ?? ''];
  }
  // A many2many kept in one column (at most one related record) reads as a list of ids.
  if (field.type === 'many2many') return [Number(value)];
  return value;
}

/** A value sent by a client, checked and converted for its column; `null` clears it. */
export function fromWire(model: ModelDef, field: FieldDef, value: unknown): unknown {
  if (field.type === 'boolean')
    return value === true || value === 1 || (typeof value === 'string' && value !== '') ? 1 : 0;
  if (field.type === 'float' || field.type === 'monetary') return floatFromWire(model, field, value);
  if (value === false || value === null || value === undefined) return null;
  switch (field.type) {
    case 'selection':
      // fields.Selection.convert_to_cache: a value outside the selection is a ValueError.
      if (typeof value === 'string' && field.selection?.some(([key]) => key === value) === true) return value;
      break;
    case 'many2many': {
      // [[6, 0, ids]], [[4, id]] or a bare list of ids, for a column that holds one id.
      const ids = Array.isArray(value) ? linkedIds(value) : undefined;
      if (ids !== undefined && ids.length <= 1) return ids[0] ?? null;
      break;
    }
    case 'date':
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(value))
        return value.slice(0, 10);
      break;
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

/** The ids a many2many command list leaves linked, or undefined for commands a one-id column cannot hold. */
function linkedIds(commands: readonly unknown[]): number[] | undefined {
  let ids: number[] = [];
  for (const command of commands) {
    if (typeof command === 'number') ids.push(command);
    else if (Array.isArray(command) && command[0] === 6 && Array.isArray(command[2]))
      ids = command[2].filter((id): id is number => typeof id === 'number');
    else if (Array.isArray(command) && command[0] === 4 && typeof command[1] === 'number') ids.push(command[1]);
    else if (Array.isArray(command) && command[0] === 5) ids = [];
    else return undefined;
  }
  return [...new Set(ids)];
}

/** A float sent by a client: `false` is 0.0, a numeric string is parsed, `digits` round half-up (convert_to_column). */
function floatFromWire(model: ModelDef, field: FieldDef, value: unknown): number {
  if (value === false || value === null || value === undefined) return 0;
  const number = typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number))
    throw valueError(`Wrong value for ${model.name}.${field.name}: ${pyRepr(value)}`);
  return field.digits === undefined ? number : toNumber(roundDigits(decimal(number), field.digits));
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
