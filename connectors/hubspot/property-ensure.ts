/**
 * Creates the custom properties a sync needs (e.g. the ERP's order number written back onto a
 * deal) through the properties API: one fresh `GET /crm/v3/properties/{object}`; when some are
 * missing, `GET /crm/v3/properties/{object}/groups` and, if the `tandem` group is absent,
 * `POST /crm/v3/properties/{object}/groups`; then one `POST /crm/v3/properties/{object}` per
 * missing property, in the `tandem` group. A 409 (the property or group exists: another process
 * made it, or a retried request already did) counts as present, not created.
 * Type -> fieldType follows the properties guide's table: string -> text, number -> number,
 * date and datetime -> date.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/properties/guide
 */
import { z } from 'zod';
import { TandemError } from '../../src/errors.js';
import type { PropertySpec, PropertySupport } from '../types.js';
import type { HubspotClient } from './client.js';
import type { PropertyCatalog } from './describe.js';

/** The property group Tandem's properties go in. */
export const TANDEM_GROUP = Object.freeze({ name: 'tandem', label: 'Tandem', displayOrder: -1 });

export const FIELD_TYPES: Readonly<Record<PropertySpec['type'], string>> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
};

/** HubSpot's internal names: a lower-case letter, then lower-case letters, digits and underscores (guessed bound). */
const NAME = /^[a-z][a-z0-9_]*$/;

const groupsSchema = z.looseObject({ results: z.array(z.looseObject({ name: z.string() })) });

function checkSpecs(connector: string, object: string, specs: readonly PropertySpec[]): PropertySpec[] {
  const byName = new Map<string, PropertySpec>();
  for (const spec of specs) {
    if (!NAME.test(spec.name))
      throw new TandemError(
        'PROPERTY_SPEC_INVALID',
        `${connector}: cannot create ${object} property "${spec.name}": a HubSpot property name is lower-case letters, digits and underscores, starting with a letter`,
        { object, property: spec.name },
      );
    if (!(spec.type in FIELD_TYPES))
      throw new TandemError(
        'PROPERTY_SPEC_INVALID',
        `${connector}: cannot create ${object} property "${spec.name}": type "${String(spec.type)}" is not one of ${Object.keys(FIELD_TYPES).join(', ')}`,
        { object, property: spec.name },
      );
    byName.set(spec.name, spec);
  }
  return [...byName.values()];
}

async function ensureGroup(client: HubspotClient, object: string): Promise<void> {
  const path = `/crm/v3/properties/${encodeURIComponent(object)}/groups`;
  const { body } = await client.call({ method: 'GET', path }, groupsSchema);
  if (body.results.some((g) => g.name === TANDEM_GROUP.name)) return;
  await client.send({ method: 'POST', path, json: TANDEM_GROUP, ok: [200, 201, 409], idempotent: true });
}

export function createPropertySupport(client: HubspotClient, catalog: PropertyCatalog): PropertySupport {
  return {
    async ensure(object: string, requested: readonly PropertySpec[]): Promise<string[]> {
      const specs = checkSpecs(client.name, object, requested);
      if (specs.length === 0) return [];
      catalog.forget(object);
      const existing = new Map((await catalog.definitions(object)).map((d) => [d.name, d]));
      for (const spec of specs) {
        const found = existing.get(spec.name);
        if (found !== undefined && found.type !== spec.type)
          throw new TandemError(
            'PROPERTY_TYPE_MISMATCH',
            `${client.name}: ${object} property "${spec.name}" exists with type ${found.type}, but the mapping's crmProperties says ${spec.type}: change the type in the mapping, or the property in HubSpot`,
            { object, property: spec.name, existing: found.type, wanted: spec.type },
          );
      }
      const missing = specs.filter((s) => !existing.has(s.name));
      if (missing.length === 0) return [];
      await ensureGroup(client, object);
      const created: string[] = [];
      const path = `/crm/v3/properties/${encodeURIComponent(object)}`;
      try {
        for (const spec of missing) {
          const json = {
            name: spec.name,
            label: spec.label,
            type: spec.type,
            fieldType: FIELD_TYPES[spec.type],
            groupName: TANDEM_GROUP.name,
          };
          const response = await client.send({ method: 'POST', path, json, ok: [200, 201, 409], idempotent: true });
          if (response.status !== 409) created.push(spec.name);
        }
      } finally {
        catalog.forget(object);
      }
      return created;
    },
  };
}
