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
 * Search never returns archived records. With `archivedReads`, an incremental read then lists the
 * object's archived records (`GET /crm/v3/objects/{object}?archived=true`, paged by `after`: the
 * recycle bin, kept 90 days) and yields those archived since the read's start as tombstones
 * dated by `archivedAt`, under the last live cursor, so they never move a checkpoint.
 */
import { TandemError } from '../../src/errors.js';
import { compareIds } from '../cursor.js';
import type { ChangePage, ChangeReader, CountOptions, ReadOptions, SourceRecord } from '../types.js';
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

const iso = (ms: number): string => new Date(ms).toISOString();

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
    async *readChanges(object: string, options: ReadOptions): AsyncGenerator<ChangePage> {
      let cursor = options.cursor;
      for await (const page of readSearch(object, options)) {
        cursor = page.cursor;
        yield page;
      }
      if (config.archivedReads && options.cursor !== null && cursor !== null)
        yield* readArchived(object, options, Date.parse(options.cursor.modifiedAt), cursor);
    },
  };

  /** The archived records whose `archivedAt` is at or after `since`, a list page at a time. */
  async function* readArchived(
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

  async function* readSearch(object: string, options: ReadOptions): AsyncGenerator<ChangePage> {
    const ts = modifiedProperty(object);
    const limit = Math.max(1, Math.min(options.pageSize ?? config.pageSize, SEARCH_LIMITS.maxLimit));
    const properties = [...new Set([...options.fields, ts, 'hs_object_id'])];
    const endpoint = `POST /crm/v3/objects/${object}/search`;

    const query = (filters: SearchFilter[], sortBy: string): Promise<SearchResponse> =>
      search(
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
}
