/**
 * The HubSpot connector: CRM v3 objects over the private-app bearer token.
 *
 * - reads: the search endpoint, keyset by (modification time, id), see reader.ts;
 * - writes: batch upsert by a unique property, batch update by id, batch archive;
 * - lookups: batch read by unique property (live and archived), else search with IN;
 * - schema: the properties API; custom properties created where missing (property-ensure.ts);
 * - deals: read-only virtual fields for their company, contact and line items (deal-fields.ts).
 *
 * @example
 *   const crm = hubspotConnector.create('crm', hubspotConnector.configSchema.parse({}), ctx);
 *   for await (const page of crm.reader.readChanges('contacts', { cursor: null, fields: ['email'] })) { ... }
 */
import { capabilities, type Connector, type ConnectorFactory } from '../types.js';
import { createHubspotClient } from './client.js';
import { type HubspotConfig, hubspotConfigSchema } from './config.js';
import { createPropertyCatalog } from './describe.js';
import { createLookup } from './lookup.js';
import { createMerges } from './merges.js';
import { createPropertySupport } from './property-ensure.js';
import { MAX_BATCH_INPUTS, SEARCH_LIMITS } from './objects.js';
import { createReader } from './reader.js';
import { listResponseSchema } from './schemas.js';
import { createWriter } from './writer.js';

export type { HubspotConfig } from './config.js';
export { hubspotConfigSchema } from './config.js';

export const HUBSPOT_CAPABILITIES = capabilities({
  maxPageSize: SEARCH_LIMITS.maxLimit,
  maxWriteBatch: MAX_BATCH_INPUTS,
  upsertByExternalId: true,
  // Search never returns archived records: tombstones only with `archivedReads` (reader.ts).
  tombstones: false,
  idempotencyKeyHeader: false,
  idField: 'hs_object_id',
  // `lastmodifieddate` has milliseconds: one version, one state.
  exactVersions: true,
  // HubSpot de-duplicates contacts by email and stores it lower-cased and trimmed: a second contact
  // with an email another holds is refused (409 CONFLICT, "Contact already exists. Existing ID: ..."),
  // https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/guide and
  // https://knowledge.hubspot.com/contacts-user-guide/how-to-integrate-other-software-with-contacts.
  // Companies' `domain` is only recommended as an identifier, not enforced: not listed. Custom
  // properties with `hasUniqueValue` are unique too, but their case rules are not documented:
  // not listed (the engine then asks, as before).
  uniqueFields: { contacts: ['email'] },
});

/** HubSpot's object type ids of the standard objects, as record pages name them. */
const OBJECT_TYPE_IDS: Readonly<Record<string, string>> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  tickets: '0-5',
};

/** `https://app.hubspot.com/contacts/<portal>/record/0-1/<id>`; unknown without the portal id. */
export function recordUrl(config: HubspotConfig, object: string, id: string): string | undefined {
  if (config.portalId === undefined) return undefined;
  const type = OBJECT_TYPE_IDS[object] ?? (/^\d+-\d+$/.test(object) ? object : undefined);
  if (type === undefined) return undefined;
  return `${config.appUrl.replace(/\/+$/, '')}/contacts/${config.portalId}/record/${type}/${encodeURIComponent(id)}`;
}

export const hubspotConnector: ConnectorFactory<HubspotConfig> = {
  kind: 'hubspot',
  configSchema: hubspotConfigSchema,
  create(name, config, ctx): Connector {
    const client = createHubspotClient(name, config.baseUrl, ctx);
    const catalog = createPropertyCatalog(client);
    return Object.freeze({
      name,
      kind: 'hubspot',
      capabilities: config.archivedReads ? { ...HUBSPOT_CAPABILITIES, tombstones: true } : HUBSPOT_CAPABILITIES,
      reader: createReader(client, config),
      writer: createWriter(client, catalog),
      lookup: createLookup(client, config, catalog),
      schema: { describe: (object: string) => catalog.describe(object) },
      merges: createMerges(client),
      properties: createPropertySupport(client, catalog),
      async check() {
        await client.call(
          { method: 'GET', path: '/crm/v3/objects/contacts', query: { limit: '1' } },
          listResponseSchema,
        );
      },
      recordUrl: (object: string, id: string) => recordUrl(config, object, id),
    });
  },
};
