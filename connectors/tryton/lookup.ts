/**
 * Finds records by the value of one field (an external reference, a match key), deactivated
 * ones included (`active_test: false`), in chunks. Native fields compare exactly (`in`). On
 * `party.party`, the virtual fields search where they live: `email` and `phone` among contact
 * mechanisms, case-insensitively (`ilike`, as people type emails in any case), the address
 * fields through `addresses.*`, `tax_identifier` through its searcher (identifier codes).
 */
import type { RecordLookup, SourceRecord } from '../types.js';
import type { FieldCatalog } from './catalog.js';
import { ADDRESS_FIELDS, PARTY, readFields } from './party.js';
import { toSourceRecord, TRACKING_FIELDS } from './records.js';
import type { TrytonRpc } from './rpc.js';
import { changeRowsSchema, mechanismsSchema } from './schemas.js';

/** Values per search: keeps the domain, and the request, small. */
export const LOOKUP_CHUNK = 200;

/** `\`, `%` and `_` are wildcards in a `like` pattern; Tryton's escape character is `\`. */
const likeLiteral = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The domain leaf that finds parties by a flat field. */
function partyLeaf(field: string, values: readonly unknown[]): unknown[] {
  if (field === 'country_code') return ['addresses.country.code', 'in', values];
  if (field in ADDRESS_FIELDS)
    return [`addresses.${ADDRESS_FIELDS[field as keyof typeof ADDRESS_FIELDS]}`, 'in', values];
  return [field, 'in', values];
}

export function createLookup(rpc: TrytonRpc, catalog: FieldCatalog): RecordLookup {
  const context = { active_test: false };

  async function byMechanism(field: string, values: readonly string[]): Promise<Map<number, string>> {
    const rows = await rpc.model(
      'party.contact_mechanism',
      'search_read',
      [
        [
          ['type', '=', field],
          ['OR', ...values.map((v) => ['value', 'ilike', likeLiteral(v)])],
        ],
        0,
        null,
        [['id', 'ASC']],
        ['party', 'type', 'value'],
      ],
      mechanismsSchema,
      { readOnly: true, context },
    );
    const parties = new Map<number, string>();
    for (const row of rows) if (row.value !== null && !parties.has(row.party)) parties.set(row.party, row.value);
    return parties;
  }

  return {
    async findBy(
      object: string,
      field: string,
      values: readonly string[],
      extra: readonly string[] = [],
    ): Promise<SourceRecord[]> {
      const known = await catalog.fields(object);
      const requested = [...new Set([field, ...extra, ...(object === PARTY ? ['code', 'name'] : ['rec_name'])])].filter(
        (f) => f !== 'id',
      );
      const fields = [
        ...new Set([
          ...(object === PARTY ? readFields(requested) : requested),
          ...TRACKING_FIELDS,
          ...('active' in known ? ['active'] : []),
        ]),
      ];
      const unique = [...new Set(values)];
      const found: SourceRecord[] = [];
      for (let at = 0; at < unique.length; at += LOOKUP_CHUNK) {
        const chunk = unique.slice(at, at + LOOKUP_CHUNK);
        let domain: unknown[];
        let matched: Map<number, string> | undefined;
        if (object === PARTY && (field === 'email' || field === 'phone')) {
          matched = await byMechanism(field, chunk);
          if (matched.size === 0) continue;
          domain = [['id', 'in', [...matched.keys()]]];
        } else if (field === 'id') {
          domain = [['id', 'in', chunk.filter((v) => /^\d+$/.test(v)).map(Number)]];
        } else {
          domain = [object === PARTY ? partyLeaf(field, chunk) : [field, 'in', chunk]];
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
        for (const row of rows) {
          const record = toSourceRecord(object, row, requested);
          const value = matched?.get(row.id);
          // The party may have several emails: report the one that matched, not its first.
          found.push(
            value === undefined ? record : { ...record, fields: Object.freeze({ ...record.fields, [field]: value }) },
          );
        }
      }
      return found;
    },
  };
}
