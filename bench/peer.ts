/**
 * The peer of #14's backfill benchmark: the per-record script users write with the official SDKs.
 * `@hubspot/api-client` pages contacts (`basicApi.getPage`, 100 a page, the SDK's own limiter and
 * retries), and each contact costs one plain Odoo JSON-RPC `search` by `ref` and, when absent, one
 * `create`. Mapped by hand like the floor (hand-map.ts). Spawned by backfill.ts with the vendors in env.
 */
import { Client } from '@hubspot/api-client';
import type { SourceRecord } from '../connectors/types.js';
import { CONTACT_PROPERTIES, env as envOf, odooSession } from './bare-io.js';
import { handWritten } from './hand-map.js';

const env = (name: string): string => envOf('peer', name);
const ERP = env('BENCH_ERP_URL');
const PASSWORD = env('BENCH_ERP_PASSWORD');
const PROPERTIES = [...CONTACT_PROPERTIES];

async function main(): Promise<void> {
  const hubspot = new Client({
    accessToken: env('BENCH_CRM_TOKEN'),
    basePath: env('BENCH_CRM_URL'),
    numberOfApiCallRetries: 6,
  });
  const { kw, resolver } = await odooSession(ERP, PASSWORD);
  let read = 0;
  let created = 0;
  let after: string | undefined;
  do {
    const page = await hubspot.crm.contacts.basicApi.getPage(100, after, PROPERTIES);
    for (const contact of page.results) {
      read++;
      const record: SourceRecord = {
        id: contact.id,
        modifiedAt: contact.updatedAt.toISOString(),
        deleted: false,
        fields: contact.properties,
      };
      const payload = handWritten(record, resolver);
      if (payload === null) continue;
      const ids = (await kw('res.partner', 'search', [[['ref', '=', payload['ref']]]], { limit: 1 })) as number[];
      if (ids.length > 0) continue;
      await kw('res.partner', 'create', [payload]);
      created++;
    }
    after = page.paging?.next?.after;
  } while (after !== undefined);
  process.stdout.write(`${JSON.stringify({ read, created })}\n`);
}

await main();
