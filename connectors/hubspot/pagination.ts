/**
 * Search requests and the `after`-paged walk over their results, as an async generator. The walk
 * refuses to page into the 10,000-result cap (a 400 at HubSpot) and throws instead of silently
 * returning a truncated set; incremental reads avoid the cap altogether (see reader.ts).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm (Limitations)
 */
import { TandemError } from '../../src/errors.js';
import type { HubspotClient } from './client.js';
import { SEARCH_LIMITS } from './objects.js';
import { type SearchResponse, searchResponseSchema } from './schemas.js';

export interface SearchFilter {
  readonly propertyName: string;
  readonly operator: 'EQ' | 'NEQ' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'IN' | 'NOT_IN' | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY';
  readonly value?: string;
  readonly values?: readonly string[];
}

export interface SearchBody {
  readonly filterGroups: readonly { readonly filters: readonly SearchFilter[] }[];
  readonly sorts?: readonly { readonly propertyName: string; readonly direction: 'ASCENDING' | 'DESCENDING' }[];
  readonly properties: readonly string[];
  readonly limit: number;
  readonly after?: string;
}

/** One search request. Search only reads, so it is safe to retry. */
export async function search(
  client: HubspotClient,
  object: string,
  body: SearchBody,
  signal?: AbortSignal,
): Promise<SearchResponse> {
  const { body: page } = await client.call(
    {
      method: 'POST',
      path: `/crm/v3/objects/${encodeURIComponent(object)}/search`,
      json: body,
      idempotent: true,
      ...(signal === undefined ? {} : { signal }),
    },
    searchResponseSchema,
  );
  return page;
}

/** Every page of a search, following `paging.next.after`. */
export async function* searchPages(
  client: HubspotClient,
  object: string,
  body: SearchBody,
  signal?: AbortSignal,
): AsyncGenerator<SearchResponse> {
  let after: string | undefined;
  for (;;) {
    const page = await search(client, object, after === undefined ? body : { ...body, after }, signal);
    yield page;
    after = page.paging?.next?.after;
    if (after === undefined || page.results.length === 0) return;
    if (Number(after) >= SEARCH_LIMITS.resultCap) {
      throw new TandemError(
        'SEARCH_RESULT_CAP',
        `${client.name}: a search of ${object} matches ${page.total} records, past HubSpot's cap of ${SEARCH_LIMITS.resultCap} per query; narrow the lookup`,
        { object, total: page.total },
      );
    }
  }
}
