/**
 * `GET /crm/v3/properties/{object}`: the property definitions, with `hasUniqueValue` and
 * `modificationMetadata.readOnlyValue`, in the shape of HubSpot's properties API.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/properties/guide
 */
import type { FastifyInstance } from 'fastify';
import { SEED_EPOCH } from '../../seed.js';
import { propertiesOf } from '../properties.js';
import { objectParam } from './common.js';

export function registerPropertyRoutes(app: FastifyInstance): void {
  app.get('/crm/v3/properties/:object', async (request) => {
    const object = objectParam(request.params);
    const at = new Date(SEED_EPOCH).toISOString();
    return {
      results: propertiesOf(object).map((p, i) => ({
        name: p.name,
        label: p.label,
        type: p.type,
        fieldType: p.fieldType,
        description: '',
        groupName: p.groupName,
        options: (p.options ?? []).map((option, n) => ({
          label: option,
          value: option,
          displayOrder: n,
          hidden: false,
        })),
        displayOrder: i,
        calculated: false,
        externalOptions: false,
        hasUniqueValue: p.hasUniqueValue,
        hidden: false,
        hubspotDefined: p.name !== 'tandem_ref',
        modificationMetadata: {
          archivable: p.name === 'tandem_ref',
          readOnlyDefinition: p.name !== 'tandem_ref',
          readOnlyValue: p.readOnlyValue,
        },
        formField: !p.readOnlyValue,
        createdAt: at,
        updatedAt: at,
        archived: false,
      })),
    };
  });
}
