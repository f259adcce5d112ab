/**
 * The peer of #14's backfill benchmark: the per-record script users write with the official SDKs.
 * `@hubspot/api-client` pages contacts (`basicApi.getPage`, 100 a page, the SDK's own limiter and
 * retries), and each contact costs one plain Odoo JSON-RPC `search` by `ref` and, when absent, one
 * `create`. Mapped by hand like the floor (hand-map.ts). Spawned by backfill.ts with the vendors in env.
 */
import { Client } from '@hubspot/api-client';
import type { SourceRecord } from '../connectors/types.js';
import { staticResolver } from '../src/mapping/resolver.js';
import { handWritten } from './hand-map.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`peer: ${name} is not set`);
  return value;
};
const ERP = env('BENCH_ERP_URL');
const PASSWORD = env('BENCH_ERP_PASSWORD');
const PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'jobtitle',
  'address',
  'city',
  'zip',
  'company',
  'country',
];

let rpcId = 0;
async function odoo(service: string, method: string, args: unknown[]): Promise<unknown> {
  const response = await fetch(`${ERP}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: ++rpcId, params: { service, method, args } }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`Odoo ${method}: ${body.error.message}`);
  return body.result;
}

async function main(): Promise<void> {
  const hubspot = new Client({
    accessToken: env('BENCH_CRM_TOKEN'),
    basePath: env('BENCH_CRM_URL'),
    numberOfApiCallRetries: 6,
  });
  const uid = (await odoo('common', 'login', ['tandem', 'admin', PASSWORD])) as number;
  const kw = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> =>
    odoo('object', 'execute_kw', ['tandem', uid, PASSWORD, model, method, args, kwargs]);
  const countries = (await kw('res.country', 'search_read', [[]], { fields: ['code'] })) as {
    id: number;
    code: string;
  }[];
  const resolver = staticResolver({
    links: {},
    catalogs: { 'erp:res.country:code': Object.fromEntries(countries.map((c) => [c.code, String(c.id)])) },
  });
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
