/**
 * Finds records by one field. A unique property (or the id) goes through batch read with
 * `idProperty`, twice: live records, then `archived=true`, which returns only archived ones. Any
 * other property goes through search with IN, which never sees archived records.
 */
import type { RecordLookup, SourceRecord } from '../types.js';
import type { HubspotClient } from './client.js';
import type { HubspotConfig } from './config.js';
import { isVirtualField, splitFields, withDealFields } from './deal-fields.js';
import type { PropertyCatalog } from './describe.js';
import { DEFAULT_LOOKUP_PROPERTIES, MAX_BATCH_INPUTS, SEARCH_LIMITS, modifiedProperty } from './objects.js';
import { searchPages } from './pagination.js';
import { modifiedMs, toSourceRecord } from './records.js';
import { type PublicObject, batchResponseSchema } from './schemas.js';

/** Splits values so each IN filter stays within the value count and the search body size. */
export function chunkForIn(
  values: readonly string[],
  budgetChars: number,
  maxValues = SEARCH_LIMITS.inValues,
): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const value of values) {
    const cost = JSON.stringify(value).length + 1;
    if (current.length > 0 && (current.length >= maxValues || size + cost > budgetChars)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(value);
    size += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function createLookup(client: HubspotClient, config: HubspotConfig, catalog: PropertyCatalog): RecordLookup {
  return {
    async findBy(
      object: string,
      field: string,
      values: readonly string[],
      requested: readonly string[] = [],
    ): Promise<SourceRecord[]> {
      // A deal's virtual fields are added to what was found (deal-fields.ts), never asked as properties.
      const { properties: fields, wanted } = splitFields(object, requested);
      const found = await find(object, field, values, fields);
      return wanted === null ? found : withDealFields(client, found, wanted);
    },
  };

  async function find(
    object: string,
    field: string,
    values: readonly string[],
    fields: readonly string[],
  ): Promise<SourceRecord[]> {
    const ts = modifiedProperty(object);
    const properties = [
      ...new Set([
        ...(config.lookupProperties[object] ?? DEFAULT_LOOKUP_PROPERTIES[object] ?? []).filter(
          (name) => !isVirtualField(object, name),
        ),
        ...fields,
        field,
        ts,
      ]),
    ];
    const found = new Map<string, SourceRecord>();
    const keep = (o: PublicObject, endpoint: string): void => {
      if (!found.has(o.id)) found.set(o.id, toSourceRecord(o, modifiedMs(o, ts, client.name, endpoint)));
    };
    const unique = field === 'id' || (await catalog.uniqueProperties(object)).has(field);
    const distinct = [...new Set(values)];

    if (unique) {
      const idProperty = field === 'id' || field === 'hs_object_id' ? undefined : field;
      const path = `/crm/v3/objects/${encodeURIComponent(object)}/batch/read`;
      for (let i = 0; i < distinct.length; i += MAX_BATCH_INPUTS) {
        const inputs = distinct.slice(i, i + MAX_BATCH_INPUTS).map((id) => ({ id }));
        for (const archived of ['false', 'true']) {
          // 207 answers carry OBJECT_NOT_FOUND errors for the values nobody has: not a failure here.
          const { body } = await client.call(
            {
              method: 'POST',
              path,
              query: { archived },
              json: {
                inputs,
                properties,
                propertiesWithHistory: [],
                ...(idProperty === undefined ? {} : { idProperty }),
              },
              ok: [200, 207],
              idempotent: true,
            },
            batchResponseSchema,
          );
          for (const o of body.results) keep(o, `POST ${path}`);
        }
      }
      return [...found.values()];
    }

    const budget =
      SEARCH_LIMITS.bodyChars -
      JSON.stringify({
        filterGroups: [{ filters: [{ propertyName: field, operator: 'IN', values: [] }] }],
        properties,
        limit: SEARCH_LIMITS.maxLimit,
      }).length -
      50;
    for (const chunk of chunkForIn(distinct, budget)) {
      const body = {
        filterGroups: [{ filters: [{ propertyName: field, operator: 'IN' as const, values: chunk }] }],
        properties,
        limit: SEARCH_LIMITS.maxLimit,
      };
      for await (const page of searchPages(client, object, body))
        for (const o of page.results) keep(o, `POST /crm/v3/objects/${object}/search`);
    }
    return [...found.values()];
  }
}
