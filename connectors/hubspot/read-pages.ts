/**
 * The HubSpot reader's streams: live records through search in keyset pages, a full read of live
 * records through the list endpoint, and archived records through the list endpoint's recycle bin
 * (reader.ts says why each is read so).
 */
import { TandemError } from '../../src/errors.js';
import { compareIds } from '../cursor.js';
import type { ChangePage, ReadOptions, SourceRecord } from '../types.js';
import type { HubspotClient } from './client.js';
import type { HubspotConfig } from './config.js';
import { SEARCH_LIMITS, modifiedProperty } from './objects.js';
import { type SearchFilter, search } from './pagination.js';
import { modifiedMs, parseTime, toSourceRecord } from './records.js';
import { listResponseSchema, type SearchResponse } from './schemas.js';

interface Row {
  readonly ms: number;
  readonly record: SourceRecord;
}

/**
 * Filters a search group may hold: six, as the search guide and the sandbox say; HubSpot raised it
 * to ten in 2024, so six is safe on every account.
 * https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api
 */
const FILTERS_PER_GROUP = 6;
/** The most filters a keyset query of readSearch uses itself (drain: the time and the id). */
const KEYSET_FILTERS = 2;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The archived records whose `archivedAt` is at or after `since`, a list page at a time. */
export async function* readArchived(
  client: HubspotClient,
  object: string,
  options: ReadOptions,
  since: number,
  cursor: NonNullable<ReadOptions['cursor']>,
): AsyncGenerator<ChangePage> {
  const properties = [...new Set([...options.fields, 'hs_object_id'])].join(',');
  let after: string | undefined;
  for (;;) {
    const { body } = await client.call(
      {
        method: 'GET',
        path: `/crm/v3/objects/${encodeURIComponent(object)}`,
        query: { archived: 'true', limit: '100', properties, ...(after === undefined ? {} : { after }) },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      listResponseSchema,
    );
    const records = body.results.flatMap((o) => {
      const at = o.archivedAt === undefined ? Number.NaN : parseTime(o.archivedAt);
      return o.archived === true && !Number.isNaN(at) && at >= since ? [toSourceRecord(o, at)] : [];
    });
    if (records.length > 0) yield { records, cursor };
    after = body.paging?.next?.after;
    if (after === undefined) return;
  }
}

/** Records per list page: the list endpoint's documented maximum. */
export const LIST_PAGE_SIZE = 100;

/**
 * The cursor of a full read's pages before its last: "from the beginning". The list endpoint walks
 * ids, not times, so no earlier page has a time it could resume after; resuming from this cursor
 * starts the full read over (writes are idempotent), never skips a record.
 */
export const FULL_READ_CURSOR = Object.freeze({ modifiedAt: new Date(0).toISOString(), lastId: null });

/** True when a read from `cursor` is a read from the beginning: no cursor, or one at or before the epoch. */
export function isFullRead(cursor: ReadOptions['cursor']): boolean {
  return cursor === null || !(Date.parse(cursor.modifiedAt) > 0);
}

/**
 * Every live record through `GET /crm/v3/objects/{object}` (100 a page, by id): the full read.
 * Each page but the last carries {@link FULL_READ_CURSOR}; the last carries the time the read
 * started, so the next incremental read (search, from that time less the sync's lookback) sees
 * every change made while the list was walked. Records are in (modifiedAt, id) order within a page
 * only, not across pages: the engine checkpoints from page cursors, which this order does not move.
 */
export async function* readList(
  client: HubspotClient,
  object: string,
  options: ReadOptions,
  now: () => number = Date.now,
): AsyncGenerator<ChangePage> {
  const ts = modifiedProperty(object);
  const limit = Math.max(1, Math.min(options.pageSize ?? LIST_PAGE_SIZE, LIST_PAGE_SIZE));
  const started = now();
  const properties = [...new Set([...options.fields, ts, 'hs_object_id'])].join(',');
  const endpoint = `GET /crm/v3/objects/${object}`;
  let after: string | undefined;
  for (;;) {
    const { body } = await client.call(
      {
        method: 'GET',
        path: `/crm/v3/objects/${encodeURIComponent(object)}`,
        query: { limit: String(limit), properties, ...(after === undefined ? {} : { after }) },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      listResponseSchema,
    );
    const records = body.results
      .map((o) => toSourceRecord(o, modifiedMs(o, ts, client.name, endpoint)))
      .sort((a, b) => Date.parse(a.modifiedAt) - Date.parse(b.modifiedAt) || compareIds(a.id, b.id));
    after = body.paging?.next?.after;
    if (after === undefined) {
      yield { records, cursor: { modifiedAt: iso(started), lastId: null } };
      return;
    }
    if (records.length > 0) yield { records, cursor: FULL_READ_CURSOR };
  }
}

/**
 * The sync's pushed-down filter as search filters, AND-ed with the keyset's: `present` is
 * `HAS_PROPERTY`, `equals` a boolean is `EQ "true"` / `EQ "false"` (HubSpot keeps booleans as that
 * text). A group takes six filters and the keyset uses two, so at most four are pushed; the engine
 * checks the whole filter on every record anyway.
 */
export function pushedFilters(filter: ReadOptions['filter']): SearchFilter[] {
  return (filter ?? [])
    .map((c): SearchFilter =>
      c.test === 'present'
        ? { propertyName: c.field, operator: 'HAS_PROPERTY' }
        : { propertyName: c.field, operator: 'EQ', value: String(c.value) },
    )
    .slice(0, FILTERS_PER_GROUP - KEYSET_FILTERS);
}

/** Live records changed after `options.cursor`, in keyset pages (the two phases above). */
export async function* readSearch(
  client: HubspotClient,
  config: HubspotConfig,
  object: string,
  options: ReadOptions,
): AsyncGenerator<ChangePage> {
  const ts = modifiedProperty(object);
  const limit = Math.max(1, Math.min(options.pageSize ?? config.pageSize, SEARCH_LIMITS.maxLimit));
  const properties = [...new Set([...options.fields, ts, 'hs_object_id'])];
  const endpoint = `POST /crm/v3/objects/${object}/search`;

  const pushed = pushedFilters(options.filter);
  const query = (keyset: SearchFilter[], sortBy: string): Promise<SearchResponse> => {
    const filters = [...keyset, ...pushed];
    return search(
      client,
      object,
      {
        filterGroups: filters.length === 0 ? [] : [{ filters }],
        sorts: [{ propertyName: sortBy, direction: 'ASCENDING' }],
        properties,
        limit,
      },
      options.signal,
    );
  };

  const rows = (page: SearchResponse, keep: (ms: number) => boolean): Row[] =>
    page.results
      .map((o) => {
        const ms = modifiedMs(o, ts, client.name, endpoint);
        return { ms, record: toSourceRecord(o, ms) };
      })
      .filter((r) => keep(r.ms))
      .sort((a, b) => a.ms - b.ms || compareIds(a.record.id, b.record.id));

  async function* drain(at: number, afterId: string | null): AsyncGenerator<ChangePage> {
    let last = afterId;
    for (;;) {
      const filters: SearchFilter[] = [{ propertyName: ts, operator: 'EQ', value: String(at) }];
      if (last !== null) filters.push({ propertyName: 'hs_object_id', operator: 'GT', value: last });
      const page = await query(filters, 'hs_object_id');
      const items = rows(page, (ms) => ms === at).filter((r) => last === null || compareIds(r.record.id, last) > 0);
      const tail = items[items.length - 1];
      if (tail === undefined) return;
      last = tail.record.id;
      yield { records: items.map((r) => r.record), cursor: { modifiedAt: iso(at), lastId: last } };
      if (page.paging?.next === undefined) return;
    }
  }

  let from: number | null = null;
  let strict = false;
  if (options.cursor !== null) {
    from = Date.parse(options.cursor.modifiedAt);
    if (Number.isNaN(from))
      throw new TandemError(
        'CURSOR_INVALID',
        `${client.name}: cursor time ${options.cursor.modifiedAt} is not ISO 8601`,
        { object },
      );
    if (options.cursor.lastId !== null) {
      yield* drain(from, options.cursor.lastId);
      strict = true;
    }
  }
  for (;;) {
    const start = from;
    const filters: SearchFilter[] =
      start === null ? [] : [{ propertyName: ts, operator: strict ? 'GT' : 'GTE', value: String(start) }];
    const page = await query(filters, ts);
    const items = rows(page, (ms) => start === null || (strict ? ms > start : ms >= start));
    const last = items[items.length - 1];
    if (last === undefined) return;
    if (page.paging?.next === undefined) {
      yield { records: items.map((r) => r.record), cursor: { modifiedAt: iso(last.ms), lastId: null } };
      return;
    }
    const head = items.filter((r) => r.ms < last.ms);
    const headLast = head[head.length - 1];
    if (headLast === undefined) yield* drain(last.ms, null);
    else yield { records: head.map((r) => r.record), cursor: { modifiedAt: iso(headLast.ms), lastId: null } };
    from = last.ms;
    strict = headLast === undefined;
  }
}
