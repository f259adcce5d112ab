/**
 * Finds records by the value of one field (an external reference, a match key), deactivated
 * ones included (`active_test: false`), in chunks. Native fields compare exactly (`in`), or, for a
 * match key that ignores case or white space, with one `ilike` / `like` pattern per value. On
 * `party.party`, the virtual fields search where they live: `email` and `phone` among the active
 * contact mechanisms, case-insensitively (`ilike`, as people type emails in any case), the address
 * fields through `addresses.*`, `tax_identifier` through its searcher (identifier codes).
 *
 * Tryton's `like` / `ilike` take the value as the whole pattern (no implicit `%`), with `\` as the
 * escape character. On PostgreSQL `ilike` folds every letter; on SQLite only ASCII ones.
 */
import type { LookupOptions, RecordLookup, SourceRecord } from '../types.js';
import type { FieldCatalog } from './catalog.js';
import { ADDRESS_FIELDS, PARTY } from './party.js';
import { expandFields, toSourceRecord, TRACKING_FIELDS } from './records.js';
import type { TrytonRpc } from './rpc.js';
import { changeRowsSchema, mechanismsSchema } from './schemas.js';

/** Values per search: keeps the domain, and the request, small. */
export const LOOKUP_CHUNK = 200;

/** `\`, `%` and `_` are wildcards in a `like` pattern; Tryton's escape character is `\`. */
const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The pattern that finds `value` as a match key compares it: white space runs as `%` when loose. */
export function likePattern(value: string, options: LookupOptions): string {
  const escaped = likeLiteral(value.trim());
  return options.looseSpace === true ? escaped.split(/\s+/).join('%') : escaped;
}

/** The leaf that finds any of `values` in a native field: `in`, or OR-ed patterns for a loose key. */
function nativeLeaf(field: string, values: readonly string[], options: LookupOptions): unknown[] {
  if (options.ignoreCase !== true && options.looseSpace !== true) return [field, 'in', values];
  const operator = options.ignoreCase === true ? 'ilike' : 'like';
  return ['OR', ...[...new Set(values.map((v) => likePattern(v, options)))].map((p) => [field, operator, p])];
}

/** The domain leaf that finds parties by a flat field. */
function partyLeaf(field: string, values: readonly string[], options: LookupOptions): unknown[] {
  if (field === 'country_code') return ['addresses.country.code', 'in', values];
  if (field in ADDRESS_FIELDS)
    return nativeLeaf(`addresses.${ADDRESS_FIELDS[field as keyof typeof ADDRESS_FIELDS]}`, values, options);
  return nativeLeaf(field, values, options);
}

export function createLookup(rpc: TrytonRpc, catalog: FieldCatalog): RecordLookup {
  const context = { active_test: false };

  async function byMechanism(field: string, values: readonly string[]): Promise<Set<number>> {
    const rows = await rpc.model(
      'party.contact_mechanism',
      'search_read',
      [
        [
          ['type', '=', field],
          // The context's active_test: false reaches mechanisms too: a retired address matches nobody.
          ['active', '=', true],
          ['OR', ...values.map((v) => ['value', 'ilike', likeLiteral(v.trim())])],
        ],
        0,
        null,
        [['id', 'ASC']],
        ['party', 'type', 'value'],
      ],
      mechanismsSchema,
      { readOnly: true, context },
    );
    return new Set(rows.map((row) => row.party));
  }

  return {
    async findBy(
      object: string,
      field: string,
      values: readonly string[],
      extra: readonly string[] = [],
      options: LookupOptions = {},
    ): Promise<SourceRecord[]> {
      const known = await catalog.fields(object);
      const requested = [...new Set([field, ...extra, ...(object === PARTY ? ['code', 'name'] : ['rec_name'])])].filter(
        (f) => f !== 'id',
      );
      const fields = [
        ...new Set([...expandFields(object, requested), ...TRACKING_FIELDS, ...('active' in known ? ['active'] : [])]),
      ];
      const unique = [...new Set(values)];
      const found: SourceRecord[] = [];
      for (let at = 0; at < unique.length; at += LOOKUP_CHUNK) {
        const chunk = unique.slice(at, at + LOOKUP_CHUNK);
        let domain: unknown[];
        if (object === PARTY && (field === 'email' || field === 'phone')) {
          const matched = await byMechanism(field, chunk);
          if (matched.size === 0) continue;
          domain = [['id', 'in', [...matched]]];
        } else if (field === 'id') {
          domain = [['id', 'in', chunk.filter((v) => /^\d+$/.test(v)).map(Number)]];
        } else {
          domain = [object === PARTY ? partyLeaf(field, chunk, options) : nativeLeaf(field, chunk, options)];
        }
        const rows = await rpc.model(
          object,
          'search_read',
          [domain, 0, null, [['id', 'ASC']], fields],
          changeRowsSchema,
          {
            readOnly: true,
            context,
          },
        );
        // A party with several emails shows its first; all of them are in `alternates`.
        for (const row of rows) found.push(toSourceRecord(object, row, requested));
      }
      return found;
    },
  };
}
