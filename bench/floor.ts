/**
 * The floor of #14's backfill benchmark: the same vendor I/O as `tandem backfill contacts`
 * (CRM -> ERP) with no engine. It pages through HubSpot on the vendor's best documented path for
 * a full read (`BENCH_READ=list`: `GET /crm/v3/objects/contacts`, 100 a page, paced to the
 * 10-second burst budget; `search`: 200 a page at 5 requests/s), maps by hand (hand-map.ts), and
 * per page does Odoo create-if-absent with one `search_read` by `ref` and one `create`. Bare
 * `fetch`, sequential, a 429 waited out. Spawned by backfill.ts, which passes the vendors in env.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SourceRecord } from '../connectors/types.js';
import { CONTACT_PROPERTIES, env as envOf, odooSession } from './bare-io.js';
import { handWritten } from './hand-map.js';

const env = (name: string): string => envOf('floor', name);
const CRM = env('BENCH_CRM_URL');
const ERP = env('BENCH_ERP_URL');
const TOKEN = env('BENCH_CRM_TOKEN');
const PASSWORD = env('BENCH_ERP_PASSWORD');
const READ = process.env['BENCH_READ'] === 'search' ? 'search' : 'list';
const BURST = Number(process.env['BENCH_BURST'] ?? 190);
const PROPERTIES = [...CONTACT_PROPERTIES, 'associatedcompanyid', 'lastmodifieddate'];

/** A sliding window of request times: waits until one more request fits `max` per `ms`. */
function pacer(max: number, ms: number): () => Promise<void> {
  const times: number[] = [];
  return async () => {
    for (;;) {
      const now = Date.now();
      while (times.length > 0 && (times[0] ?? 0) <= now - ms) times.shift();
      if (times.length < max) {
        times.push(now);
        return;
      }
      await sleep((times[0] ?? now) + ms - now + 1);
    }
  };
}

interface HubspotPage {
  results: { id: string; properties: Record<string, string | null>; updatedAt: string }[];
  paging?: { next?: { after: string } };
}

async function hubspot(pace: () => Promise<void>, path: string, body?: unknown): Promise<HubspotPage> {
  for (;;) {
    await pace();
    const response = await fetch(`${CRM}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 429) {
      await response.arrayBuffer();
      await sleep(1000);
      continue;
    }
    if (!response.ok) throw new Error(`HubSpot ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as HubspotPage;
  }
}

/** Every contact, a page at a time, on the chosen path. */
async function* pages(): AsyncGenerator<HubspotPage> {
  let after: string | undefined;
  if (READ === 'list') {
    const pace = pacer(BURST, 10_000);
    for (;;) {
      const query = `limit=100&properties=${PROPERTIES.join(',')}${after === undefined ? '' : `&after=${after}`}`;
      const page = await hubspot(pace, `/crm/v3/objects/contacts?${query}`);
      yield page;
      after = page.paging?.next?.after;
      if (after === undefined) return;
    }
  }
  // Search, keyset by id (sorted by hs_object_id, so no query nears the 10,000-result cap).
  const pace = pacer(5, 1000);
  let last = '0';
  for (;;) {
    const page = await hubspot(pace, '/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: last }] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: PROPERTIES,
      limit: 200,
    });
    yield page;
    const tail = page.results[page.results.length - 1];
    if (page.paging?.next === undefined || tail === undefined) return;
    last = tail.id;
  }
}

async function main(): Promise<void> {
  const { kw, resolver } = await odooSession(ERP, PASSWORD);
  let read = 0;
  let created = 0;
  for await (const page of pages()) {
    read += page.results.length;
    const payloads = page.results.flatMap((o) => {
      const record: SourceRecord = { id: o.id, modifiedAt: o.updatedAt, deleted: false, fields: o.properties };
      const payload = handWritten(record, resolver);
      return payload === null ? [] : [payload];
    });
    if (payloads.length === 0) continue;
    const refs = payloads.map((p) => p['ref']);
    const found = (await kw('res.partner', 'search_read', [[['ref', 'in', refs]]], { fields: ['ref'] })) as {
      ref: string;
    }[];
    const present = new Set(found.map((f) => f.ref));
    const absent = payloads.filter((p) => !present.has(String(p['ref'])));
    if (absent.length > 0) await kw('res.partner', 'create', [absent]);
    created += absent.length;
  }
  process.stdout.write(`${JSON.stringify({ read, created })}\n`);
}

await main();
