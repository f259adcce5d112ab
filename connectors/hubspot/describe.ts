/**
 * The properties API (`GET /crm/v3/properties/{object}`) as field descriptions, and the set of
 * properties that can identify a record (`idProperty`), cached per object for the connector's life.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/properties/guide
 */
import type { FieldDescription, ObjectDescription, SchemaDescriber } from '../types.js';
import type { HubspotClient } from './client.js';
import { virtualFieldDescriptions } from './deal-fields.js';
import { type PropertyDefinition, propertiesResponseSchema } from './schemas.js';

export interface PropertyCatalog extends SchemaDescriber {
  /** Names usable as `idProperty`: `hasUniqueValue` properties, `hs_object_id`, and a contact's `email`. */
  uniqueProperties(object: string): Promise<ReadonlySet<string>>;
  /** The object's property definitions as the properties API answers them (cached). */
  definitions(object: string): Promise<readonly PropertyDefinition[]>;
  /** Drops the cached definitions of `object` (after creating properties), so the next call reads them again. */
  forget(object: string): void;
}

/** HubSpot's property type (and field type) reduced to the engine's coarse types. */
export function coarseType(definition: Pick<PropertyDefinition, 'type' | 'fieldType' | 'name'>): string {
  if (definition.fieldType === 'booleancheckbox' || definition.type === 'bool') return 'boolean';
  switch (definition.type) {
    case 'string':
    case 'phone_number':
      return 'string';
    case 'number':
      // An id of another record (`hs_product_id`, `associatedcompanyid`), not one that merely ends
      // in "id" (`tandem_amount_paid`).
      return definition.name !== 'hs_object_id' && /(?:_id|companyid|ownerid)$/.test(definition.name)
        ? 'reference'
        : 'number';
    case 'datetime':
      return 'datetime';
    case 'date':
      return 'date';
    case 'enumeration':
      return 'enumeration';
    default:
      return 'other';
  }
}

export function createPropertyCatalog(client: HubspotClient): PropertyCatalog {
  const cache = new Map<string, Promise<PropertyDefinition[]>>();
  const load = (object: string): Promise<PropertyDefinition[]> => {
    let pending = cache.get(object);
    if (pending === undefined) {
      pending = client
        .call({ method: 'GET', path: `/crm/v3/properties/${encodeURIComponent(object)}` }, propertiesResponseSchema)
        .then((r) => r.body.results);
      // A failed load is not cached: the next call asks again.
      pending.catch(() => cache.delete(object));
      cache.set(object, pending);
    }
    return pending;
  };
  return {
    async describe(object: string): Promise<ObjectDescription> {
      const definitions = await load(object);
      const fields: FieldDescription[] = definitions.map((d) => {
        const type = coarseType(d);
        const listed = type === 'enumeration' && d.externalOptions !== true && (d.options?.length ?? 0) > 0;
        return {
          name: d.name,
          label: d.label,
          type,
          readOnly: d.modificationMetadata?.readOnlyValue === true || d.calculated === true,
          ...(listed ? { options: (d.options ?? []).map((o) => o.value) } : {}),
        };
      });
      return { name: object, fields: [...fields, ...virtualFieldDescriptions(object)] };
    },
    definitions: load,
    forget(object: string): void {
      cache.delete(object);
    },
    async uniqueProperties(object: string): Promise<ReadonlySet<string>> {
      const definitions = await load(object);
      const names = new Set(definitions.filter((d) => d.hasUniqueValue === true).map((d) => d.name));
      names.add('hs_object_id');
      // Email identifies a contact although its definition does not say hasUniqueValue
      // (https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/guide).
      if (object === 'contacts') names.add('email');
      return names;
    },
  };
}
