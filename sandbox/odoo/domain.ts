/**
 * Odoo domains compiled to SQL: prefix notation with '&', '|', '!' and an implicit '&' between
 * top-level terms (`odoo/osv/expression.py`, `normalize_domain`), leaves `[field, operator, value]`,
 * dotted paths through many2one fields (`country_id.code`), and a string compared against a
 * many2one as a search on the comodel's name. Filtering happens in SQLite, so a search over
 * 100,000 partners stays an index scan.
 */
import { pyRepr, valueError } from './errors.js';
import { MODELS } from './catalog.js';
import type { FieldDef, ModelDef } from './fields.js';

export interface CompiledDomain {
  readonly sql: string;
  readonly params: unknown[];
  /** A leaf names `active` on the searched model: `active_test` then adds no filter (as in Odoo). */
  readonly mentionsActive: boolean;
}

const OPERATORS = new Set([
  '=',
  '!=',
  '<>',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'not in',
  'like',
  'not like',
  'ilike',
  'not ilike',
  '=like',
  '=ilike',
  '=?',
]);

type Term =
  { kind: 'and' | 'or'; a: Term; b: Term } | { kind: 'not'; a: Term } | { kind: 'leaf'; leaf: readonly unknown[] };

/** Compiles a domain against a model; throws Odoo's ValueError for what Odoo rejects. */
export function compileDomain(model: ModelDef, domain: unknown): CompiledDomain {
  if (domain === undefined || domain === null || domain === false)
    return { sql: '1=1', params: [], mentionsActive: false };
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${pyRepr(domain)}`);
  let at = 0;
  const parseTerm = (): Term => {
    if (at >= domain.length) throw valueError(`Domain ${JSON.stringify(domain)} is syntactically not correct.`);
    const item: unknown = domain[at++];
    if (item === '&' || item === '|') return { kind: item === '&' ? 'and' : 'or', a: parseTerm(), b: parseTerm() };
    if (item === '!') return { kind: 'not', a: parseTerm() };
    if (Array.isArray(item) && item.length === 3) return { kind: 'leaf', leaf: item };
    throw valueError(`Invalid leaf ${JSON.stringify(item)}`);
  };
  const terms: Term[] = [];
  while (at < domain.length) terms.push(parseTerm());
  if (terms.length === 0) return { sql: '1=1', params: [], mentionsActive: false };
  const params: unknown[] = [];
  let mentionsActive = false;
  const emit = (term: Term): string => {
    switch (term.kind) {
      case 'and':
        return `(${emit(term.a)} AND ${emit(term.b)})`;
      case 'or':
        return `(${emit(term.a)} OR ${emit(term.b)})`;
      case 'not':
        return `(NOT ${emit(term.a)})`;
      case 'leaf':
        if (term.leaf[0] === 'active') mentionsActive = true;
        return compileLeaf(model, term.leaf, params);
    }
  };
  const sql = terms.map(emit).join(' AND ');
  return { sql, params, mentionsActive };
}

function compileLeaf(model: ModelDef, leaf: readonly unknown[], params: unknown[]): string {
  const [left, rawOperator, right] = leaf;
  // TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1) from odoo/osv/expression.py.
  if ((left === 1 || left === 0) && rawOperator === '=' && right === 1) return left === 1 ? '1=1' : '1=0';
  if (typeof left !== 'string' || typeof rawOperator !== 'string')
    throw valueError(`Invalid leaf ${JSON.stringify(leaf)}`);
  const operator = rawOperator.toLowerCase() === '<>' ? '!=' : rawOperator.toLowerCase();
  if (!OPERATORS.has(operator))
    throw valueError(`Invalid operator ${pyRepr(rawOperator)} in domain term ${JSON.stringify(leaf)}`);
  const [head, ...rest] = left.split('.');
  const field = fieldOf(model, head ?? '', leaf);
  if (field.search !== undefined && field.column === undefined && rest.length === 0)
    return field.search(operator, right, params);
  if (rest.length > 0) {
    if (field.type !== 'many2one' || field.relation === undefined)
      throw valueError(`Invalid field ${model.name}.${left} in leaf ${JSON.stringify(leaf)}`);
    const comodel = MODELS.get(field.relation);
    if (comodel === undefined) throw valueError(`Invalid field ${model.name}.${left} in leaf ${JSON.stringify(leaf)}`);
    const inner = compileLeaf(comodel, [rest.join('.'), rawOperator, right], params);
    return `${column(field)} IN (SELECT id FROM ${comodel.table} WHERE ${inner})`;
  }
  if (operator === '=?') {
    if (right === false || right === null || right === undefined) return '1=1';
    return compileLeaf(model, [left, '=', right], params);
  }
  if (field.type === 'many2one' && typeof right === 'string' && field.relation !== undefined) {
    const comodel = MODELS.get(field.relation);
    if (comodel !== undefined) {
      const inner = compileLeaf(comodel, ['name', operator, right], params);
      return `${column(field)} IN (SELECT id FROM ${comodel.table} WHERE ${inner})`;
    }
  }
  const col = column(field);
  if (operator === 'in' || operator === 'not in') {
    if (!Array.isArray(right)) throw valueError(`The domain term ${JSON.stringify(leaf)} should have a list value.`);
    const hasFalse = right.some((v) => v === false || v === null);
    const values = right.filter((v) => v !== false && v !== null).map((v) => toSql(field, v, leaf));
    const list = values.length === 0 ? null : `${col} IN (${values.map(() => '?').join(', ')})`;
    params.push(...values);
    const positive =
      list === null ? (hasFalse ? `${col} IS NULL` : '1=0') : hasFalse ? `(${list} OR ${col} IS NULL)` : list;
    if (operator === 'in') return positive;
    // Odoo's 'not in' keeps NULLs unless False is in the list.
    return list === null
      ? hasFalse
        ? `${col} IS NOT NULL`
        : '1=1'
      : hasFalse
        ? `(NOT ${list} AND ${col} IS NOT NULL)`
        : `(NOT ${list} OR ${col} IS NULL)`;
  }
  if (right === false || right === null) {
    if (operator === '=') return field.type === 'boolean' ? `(${col} IS NULL OR ${col} = 0)` : `${col} IS NULL`;
    if (operator === '!=') return field.type === 'boolean' ? `${col} = 1` : `${col} IS NOT NULL`;
  }
  if (operator.includes('like')) return compileLike(col, operator, right, params, field.type);
  params.push(toSql(field, right, leaf));
  if (operator === '!=') return `(${col} != ? OR ${col} IS NULL)`;
  return `${col} ${operator} ?`;
}

/**
 * Odoo's `_condition_to_sql` (odoo/osv/expression.py): `like`, `ilike` and their negations wrap
 * the value in `%...%`; `=like` and `=ilike` take it as the pattern itself. The value is not
 * escaped, so `%` and `_` in it are wildcards and a backslash escapes them (PostgreSQL's default
 * LIKE escape character). `ilike` compares without case (PostgreSQL ILIKE). A negation, or an
 * empty `%%` pattern, also keeps rows where the column is NULL.
 */
function compileLike(col: string, operator: string, right: unknown, params: unknown[], type: string): string {
  if (typeof right !== 'string') throw valueError(`Invalid value ${pyRepr(right)} for operator ${operator}`);
  const literal = literalOf(right);
  if (
    (operator === '=ilike' || operator === '=like') &&
    literal !== undefined &&
    (type === 'char' || type === 'text')
  ) {
    // A pattern without wildcards is an equality: the same rows, found through an index.
    params.push(operator === '=ilike' ? literal.toLowerCase() : literal);
    return operator === '=ilike' ? `odoo_lower(${col}) = ?` : `${col} = ?`;
  }
  const wildcard = !operator.startsWith('=');
  const negated = operator.startsWith('not');
  const insensitive = operator.endsWith('ilike');
  const left = insensitive ? `odoo_lower(CAST(${col} AS TEXT))` : `CAST(${col} AS TEXT)`;
  const expr = `${left} LIKE ${insensitive ? 'odoo_lower(?)' : '?'} ESCAPE '\\'`;
  const sql = negated ? `(NOT ${expr})` : expr;
  const withNull = (wildcard && right === '') || (right !== '' && negated);
  params.push(wildcard ? `%${right}%` : right);
  return withNull ? `(${sql} OR ${col} IS NULL)` : sql;
}

/** The text a LIKE pattern matches when it has no unescaped `%` or `_`; undefined otherwise. */
function literalOf(pattern: string): string | undefined {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '%' || c === '_') return undefined;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      out += next;
      i++;
    } else out += c;
  }
  return out;
}

function fieldOf(model: ModelDef, name: string, leaf: readonly unknown[]): FieldDef {
  const field = model.fields.get(name);
  if (field === undefined) throw valueError(`Invalid field ${model.name}.${name} in leaf ${JSON.stringify(leaf)}`);
  // display_name is computed; Odoo searches it through the record name.
  if (field.name === 'display_name' && field.column === undefined) return model.fields.get('name') ?? field;
  return field;
}

function column(field: FieldDef): string {
  if (field.column === undefined) throw valueError(`Non-stored field ${field.name} cannot be searched.`);
  return `"${field.column}"`;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,6})?)?$/;

/** Converts a domain value to the column's SQLite form. */
export function toSql(field: FieldDef, value: unknown, leaf: readonly unknown[]): unknown {
  switch (field.type) {
    case 'integer':
    case 'many2one':
    case 'many2many':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
      throw valueError(`Invalid value ${pyRepr(value)} for field ${field.name} in leaf ${JSON.stringify(leaf)}`);
    case 'boolean':
      return value === true || value === 1 || value === 'True' ? 1 : 0;
    case 'float':
    case 'monetary':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
      throw valueError(`Invalid value ${pyRepr(value)} for field ${field.name} in leaf ${JSON.stringify(leaf)}`);
    case 'date':
      if (typeof value === 'string' && DATETIME.test(value)) return value.slice(0, 10);
      throw valueError(`Invalid date ${pyRepr(value)} in leaf ${JSON.stringify(leaf)}`);
    case 'datetime':
      if (typeof value === 'string' && DATETIME.test(value)) return value.length === 10 ? `${value} 00:00:00` : value;
      throw valueError(`Invalid datetime ${pyRepr(value)} in leaf ${JSON.stringify(leaf)}`);
    default:
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      throw valueError(`Invalid value ${pyRepr(value)} for field ${field.name} in leaf ${JSON.stringify(leaf)}`);
  }
}
