/**
 * Incremental reads through the search endpoint, sorted ascending by the modification-time
 * property, with the record id as tie-breaker. Keyset paging throughout, never `after`:
 *
 * - Phase A drains one timestamp T exactly: `ts EQ T AND hs_object_id GT lastId`, sorted by id.
 *   Its pages carry exact cursors `{ T, lastIdOfPage }`.
 * - Phase B reads `ts GTE T` (or `GT T` after a drain), sorted by ts. A full page holds back the
 *   records at its last timestamp, which may continue on the next page; the next query starts
 *   at that timestamp. A full page of a single timestamp is drained by phase A. Phase-B cursors
 *   are `{ last time yielded, lastId: null }`: resuming re-reads that one timestamp, which is safe.
 *
 * Why not `after`: it is an offset, so a record modified mid-read moves to the end and shifts
 * every later record one place back; the next offset then skips one. Keyset queries cannot skip,
 * never yield a record twice in one pass, and never reach the 10,000-result cap of one query
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm, "Limitations").
 *
 * A full read (no cursor, or one at the epoch: see read-pages.ts) lists the object instead, with
 * `fullReads: list`: `GET /crm/v3/objects/{object}` reads 100 a page inside the
 * 10-second burst budget (100 or 190 requests per 10 s by tier), 1,000 to 1,900 records/s, where
 * search's 5 requests/s of 200 read at most 1,000. The list has no time filter, so incremental
 * reads stay on search. `fullReads: search` keeps the burst budget for writes and other syncs.
 * https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
 *
 * Search never returns archived records. With `archivedReads`, an incremental read then lists the
 * object's archived records (`GET /crm/v3/objects/{object}?archived=true`, paged by `after`: the
 * recycle bin, kept 90 days) and yields those archived since the read's start as tombstones
 * dated by `archivedAt`, under the last live cursor, so they never move a checkpoint.
 */
import { TandemError } from '../../src/errors.js';
import type { ChangePage, ChangeReader, CountOptions, ReadOptions } from '../types.js';
import type { HubspotClient } from './client.js';
import type { HubspotConfig } from './config.js';
import { splitFields, withDealFields } from './deal-fields.js';
import { modifiedProperty } from './objects.js';
import { search } from './pagination.js';
import { isFullRead, readArchived, readList, readSearch } from './read-pages.js';

export function createReader(client: HubspotClient, config: HubspotConfig): ChangeReader {
  return {
    /** Search answers `total`, every match counted (past the 10,000 cap too): one request of one result. */
    async count(object: string, options: CountOptions): Promise<number> {
      const ts = modifiedProperty(object);
      const since = options.since === null ? null : Date.parse(options.since);
      if (since !== null && Number.isNaN(since))
        throw new TandemError('CURSOR_INVALID', `${client.name}: count from ${options.since}: not ISO 8601`, {
          object,
        });
      const page = await search(
        client,
        object,
        {
          filterGroups:
            since === null ? [] : [{ filters: [{ propertyName: ts, operator: 'GTE', value: String(since) }] }],
          properties: ['hs_object_id'],
          limit: 1,
        },
        options.signal,
      );
      return page.total;
    },
    async *readChanges(object: string, requested: ReadOptions): AsyncGenerator<ChangePage> {
      // A deal's virtual fields are no properties: read the rest, then add them per page (deal-fields.ts).
      const { properties, wanted } = splitFields(object, requested.fields);
      const options = { ...requested, fields: properties };
      const enrich = async (page: ChangePage): Promise<ChangePage> =>
        wanted === null
          ? page
          : { ...page, records: await withDealFields(client, page.records, wanted, options.signal) };
      let cursor = options.cursor;
      const pages =
        config.fullReads === 'list' && isFullRead(options.cursor)
          ? readList(client, object, options)
          : readSearch(client, config, object, options);
      for await (const page of pages) {
        cursor = page.cursor;
        yield await enrich(page);
      }
      if (config.archivedReads && options.cursor !== null && cursor !== null)
        yield* readArchived(client, object, options, Date.parse(options.cursor.modifiedAt), cursor);
    },
  };
}
