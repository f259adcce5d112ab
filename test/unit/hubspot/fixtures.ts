/** Builders for nock-based HubSpot connector tests: the connector on a real transport, and records. */
import { hubspotConnector } from '../../../connectors/hubspot/index.js';
import type { ChangePage, Connector, Cursor } from '../../../connectors/types.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';

export const BASE = 'https://api.hubapi.com';

export function connector(secret: () => string = () => 'tok'): Connector {
  return hubspotConnector.create('crm', hubspotConnector.configSchema.parse({}), {
    http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
    logger: silentLogger(),
    secret: (name) => {
      if (name !== 'token') throw new Error(`unexpected secret ${name}`);
      return secret();
    },
  });
}

/** A contact as search returns it, modified at `ms`. */
export function contact(id: number | string, ms: number, extra: Record<string, string> = {}): Record<string, unknown> {
  const at = new Date(ms).toISOString();
  return {
    id: String(id),
    properties: { hs_object_id: String(id), lastmodifieddate: at, createdate: at, ...extra },
    createdAt: at,
    updatedAt: at,
    archived: false,
  };
}

export function searchPage(
  results: Record<string, unknown>[],
  more: boolean,
  total = results.length,
): Record<string, unknown> {
  return { total, results, ...(more ? { paging: { next: { after: String(results.length) } } } : {}) };
}

export interface SearchBody {
  filterGroups: { filters: { propertyName: string; operator: string; value?: string }[] }[];
  sorts: { propertyName: string; direction: string }[];
  limit: number;
  after?: string;
  properties: string[];
}

export async function readPages(crm: Connector, cursor: Cursor | null, pageSize: number): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of crm.reader.readChanges('contacts', { cursor, fields: ['email'], pageSize }))
    pages.push(page);
  return pages;
}

/** The filters of a search body as compact strings: `lastmodifieddate GTE 1000`. */
export function filtersOf(body: SearchBody): string[] {
  return body.filterGroups.flatMap((g) =>
    g.filters.map((f) => `${f.propertyName} ${f.operator}${f.value === undefined ? '' : ` ${f.value}`}`),
  );
}
