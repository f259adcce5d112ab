/**
 * The HubSpot connector's block of the config file. The private-app token is not here: it is a
 * secret named `token`, read through `ctx.secret('token')` on every request so that a rotated
 * token is used at once.
 *
 * @example
 *   crm:
 *     kind: hubspot
 *     baseUrl: https://api.hubapi.com   # the default
 *     pageSize: 200
 *     secrets: { token: { env: HUBSPOT_TOKEN } }
 */
import { z } from 'zod';
import { maxResponseBytesSetting } from '../../src/http/response-cap.js';

export const hubspotConfigSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.hubapi.com')
    .describe('API root; the sandbox sets its own URL'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(200)
    .describe('records per search page when the sync does not say (search allows 200)'),
  fullReads: z
    .enum(['list', 'search'])
    .default('search')
    .describe(
      'how a read from the beginning pages: list (GET, 100 a page, in the 10-second burst budget shared with writes) or search (200 a page, 5 requests/s of its own)',
    ),
  searchPerSecond: z
    .number()
    .positive()
    .max(5)
    .default(4)
    .describe('search requests per second; HubSpot allows 5 per second per account for search'),
  archivedReads: z
    .boolean()
    .default(false)
    .describe(
      'after each incremental read, list the archived records (one request per 100 in the recycle bin) and yield those archived since as tombstones',
    ),
  portalId: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('the account (hub) id, for links to records in drift reports; without it reports carry no HubSpot links'),
  appUrl: z
    .url({ protocol: /^https$/ })
    .default('https://app.hubspot.com')
    .describe('the web app for record links: https://app-eu1.hubspot.com for EU-hosted accounts'),
  lookupProperties: z
    .record(z.string(), z.array(z.string().min(1)))
    .default({})
    .describe('per object, the properties a lookup returns (defaults: the usual contact and company properties)'),
  maxResponseBytes: maxResponseBytesSetting,
});

export type HubspotConfig = z.infer<typeof hubspotConfigSchema>;
