/**
 * HubSpot merges contacts and companies into a NEW record with a new id; both old ids vanish from
 * search and batch read, a GET of either answers with the merged record (under its new id), and
 * the merged record lists them in `hs_merged_object_ids`, semicolon-separated.
 * https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/merge-contacts
 */
import { z } from 'zod';
import type { MergeSupport } from '../types.js';
import type { HubspotClient } from './client.js';
import { publicObjectSchema } from './schemas.js';

export const MERGED_IDS = 'hs_merged_object_ids';

const idOnly = z.looseObject({ id: z.string() });

export function createMerges(client: HubspotClient): MergeSupport {
  return {
    traceFields: [MERGED_IDS],
    mergedInto(_object, records) {
      const out = new Map<string, string[]>();
      for (const record of records) {
        const raw = record.fields[MERGED_IDS];
        const ids = (typeof raw === 'string' ? raw.split(';') : [])
          .map((id) => id.trim())
          .filter((id) => id !== '' && id !== record.id);
        if (ids.length > 0) out.set(record.id, ids);
      }
      return Promise.resolve(out);
    },
    async survivorsOf(object, ids) {
      const out = new Map<string, string>();
      // One GET per vanished id: rare (a link whose record is gone), and batch read does not follow merges.
      for (const id of ids) {
        const response = await client.send({
          method: 'GET',
          path: `/crm/v3/objects/${encodeURIComponent(object)}/${encodeURIComponent(id)}`,
          query: { properties: 'hs_object_id' },
          ok: [200, 404],
        });
        if (response.status !== 200) continue;
        const parsed = idOnly.safeParse(response.body);
        if (parsed.success && parsed.data.id !== id) out.set(id, parsed.data.id);
      }
      return out;
    },
    async merge(object, survivorId, loserId) {
      const { body } = await client.call(
        {
          method: 'POST',
          path: `/crm/v3/objects/${encodeURIComponent(object)}/merge`,
          json: { primaryObjectId: survivorId, objectIdToMerge: loserId },
          // Not idempotent: the second call finds the ids merged away already.
          idempotent: false,
        },
        publicObjectSchema,
      );
      return body.id;
    },
  };
}
