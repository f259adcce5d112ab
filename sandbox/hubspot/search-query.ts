/**
 * Translates a CRM search request (filterGroups, sorts, paging) into SQL over the store, with the
 * limits the search guide documents: at most 5 filterGroups, 6 filters per group and 18 in
 * total, one sort, 200 results per page, and no paging past 10,000 results.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm
 */
import { validationError } from './errors.js';
import { type ObjectType, type PropertySource, propertyOf } from './properties.js';
import { columnFor } from './store.js';

export const SEARCH_LIMITS = Object.freeze({
  groups: 5,
  filtersPerGroup: 6,
  filters: 18,
  maxLimit: 200,
  resultCap: 10_000,
  bodyChars: 3000,
});

export interface SearchFilter {
  readonly propertyName: string;
  readonly operator: string;
  readonly value?: unknown;
  readonly highValue?: unknown;
  readonly values?: readonly unknown[];
}

export interface SearchSort {
  readonly propertyName: string;
  readonly direction: 'ASCENDING' | 'DESCENDING';
}

export interface CompiledSearch {
  readonly where: string;
  readonly params: unknown[];
  readonly orderBy: string;
}

type ParamKind = 'number' | 'text';

function toParam(
  object: ObjectType,
  property: string,
  raw: unknown,
  source: PropertySource,
): { value: unknown; kind: ParamKind } {
  const def = propertyOf(object, property, source);
  const text = String(raw);
  if (def?.type === 'datetime' || def?.type === 'date') {
    // Datetime filters take epoch milliseconds or ISO 8601 (the search guide, "filter by date").
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isNaN(ms)) throw validationError(`${text} is not a valid datetime value for ${property}`);
    return { value: ms, kind: 'number' };
  }
  if (def?.type === 'number') {
    const n = Number(text);
    if (text.trim() === '' || Number.isNaN(n))
      throw validationError(`${text} is not a valid number value for ${property}`);
    return { value: n, kind: 'number' };
  }
  return { value: text.toLowerCase(), kind: 'text' };
}

function compileFilter(object: ObjectType, filter: SearchFilter, params: unknown[], source: PropertySource): string {
  if (propertyOf(object, filter.propertyName, source) === undefined) {
    throw validationError(
      `There was a problem with the request. Property ${filter.propertyName} does not exist on ${object}`,
      {
        errors: [{ message: `Unknown property ${filter.propertyName}`, code: 'INVALID_PROPERTY', in: 'filterGroups' }],
      },
    );
  }
  const column = columnFor(object, filter.propertyName);
  const typed = (raw: unknown): string => {
    const { value, kind } = toParam(object, filter.propertyName, raw, source);
    params.push(value);
    if (kind === 'text') return `lower(${column})`;
    return column.startsWith('json_extract') ? `CAST(${column} AS REAL)` : column;
  };
  const binary = (op: string): string => {
    if (filter.value === undefined || filter.value === null)
      throw validationError(`Filter on ${filter.propertyName} with ${filter.operator} needs a value`);
    return `${typed(filter.value)} ${op} ?`;
  };
  switch (filter.operator) {
    case 'EQ':
      return binary('=');
    case 'NEQ':
      return `(${column} IS NULL OR ${binary('!=')})`;
    case 'GT':
      return binary('>');
    case 'GTE':
      return binary('>=');
    case 'LT':
      return binary('<');
    case 'LTE':
      return binary('<=');
    case 'BETWEEN': {
      const low = binary('>=');
      if (filter.highValue === undefined) throw validationError(`BETWEEN on ${filter.propertyName} needs a highValue`);
      return `(${low} AND ${typed(filter.highValue)} <= ?)`;
    }
    case 'IN':
    case 'NOT_IN': {
      const values = filter.values ?? [];
      if (values.length === 0)
        throw validationError(`${filter.operator} on ${filter.propertyName} needs a values array`);
      const expressions = values.map((v) => typed(v));
      const expr = expressions[0] ?? column;
      const list = values.map(() => '?').join(', ');
      return filter.operator === 'IN' ? `${expr} IN (${list})` : `(${column} IS NULL OR ${expr} NOT IN (${list}))`;
    }
    case 'HAS_PROPERTY':
      return `(${column} IS NOT NULL AND ${column} != '')`;
    case 'NOT_HAS_PROPERTY':
      return `(${column} IS NULL OR ${column} = '')`;
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      params.push(
        `%${String(filter.value ?? '')
          .toLowerCase()
          .replace(/\*/g, '')}%`,
      );
      const like = `lower(${column}) LIKE ?`;
      return filter.operator === 'CONTAINS_TOKEN' ? like : `(${column} IS NULL OR NOT ${like})`;
    }
    default:
      throw validationError(`Unsupported filter operator ${filter.operator}`);
  }
}

/** Validates the documented limits and compiles the request; archived records never match. */
export function compileSearch(
  object: ObjectType,
  groups: readonly { filters: readonly SearchFilter[] }[],
  sorts: readonly SearchSort[],
  source: PropertySource,
): CompiledSearch {
  if (groups.length > SEARCH_LIMITS.groups)
    throw validationError(`Too many filter groups: ${groups.length}. The maximum is ${SEARCH_LIMITS.groups}.`);
  const total = groups.reduce((n, g) => n + g.filters.length, 0);
  if (total > SEARCH_LIMITS.filters)
    throw validationError(`Too many filters: ${total}. The maximum is ${SEARCH_LIMITS.filters} in total.`);
  for (const group of groups) {
    if (group.filters.length > SEARCH_LIMITS.filtersPerGroup) {
      throw validationError(
        `Too many filters in a filter group: ${group.filters.length}. The maximum is ${SEARCH_LIMITS.filtersPerGroup}.`,
      );
    }
  }
  if (sorts.length > 1) throw validationError('Only one sort is supported.');

  const params: unknown[] = [object];
  const clauses = groups
    .filter((g) => g.filters.length > 0)
    .map((g) => `(${g.filters.map((f) => compileFilter(object, f, params, source)).join(' AND ')})`);
  const where = `object_type = ? AND archived = 0${clauses.length > 0 ? ` AND (${clauses.join(' OR ')})` : ''}`;

  const sort = sorts[0];
  let orderBy = 'id ASC';
  if (sort !== undefined) {
    if (propertyOf(object, sort.propertyName, source) === undefined)
      throw validationError(`Cannot sort by unknown property ${sort.propertyName}`);
    const column = columnFor(object, sort.propertyName);
    const numeric = ['number', 'date', 'datetime'].includes(propertyOf(object, sort.propertyName, source)?.type ?? '');
    const expr = numeric && column.startsWith('json_extract') ? `CAST(${column} AS REAL)` : column;
    // Ties keep id order, so offset paging over an unchanged set is stable.
    orderBy = `${expr} ${sort.direction === 'DESCENDING' ? 'DESC' : 'ASC'}, id ASC`;
  }
  return { where, params, orderBy };
}

/** Accepts both documented sort shapes: `{ propertyName, direction }` and `"prop"` / `"-prop"`. */
export function normalizeSorts(raw: readonly unknown[]): SearchSort[] {
  return raw.map((item) => {
    if (typeof item === 'string') {
      return item.startsWith('-')
        ? { propertyName: item.slice(1), direction: 'DESCENDING' }
        : { propertyName: item, direction: 'ASCENDING' };
    }
    const sort = item as { propertyName?: unknown; direction?: unknown };
    if (typeof sort.propertyName !== 'string') throw validationError('A sort needs a propertyName');
    return { propertyName: sort.propertyName, direction: sort.direction === 'DESCENDING' ? 'DESCENDING' : 'ASCENDING' };
  });
}
