/**
 * Incremental reads by `write_date`, keyset-paged with an id tie-breaker (never offset paging:
 * offsets skip records when the set moves between pages), archived records included
 * (`active_test: false`) and yielded as tombstones.
 *
 * Why not the textbook keyset `['|', ('write_date', '>', T), '&', ('write_date', '=', T), ('id', '>', lastId)]`?
 * Real Odoo stores `write_date` with microseconds: it is `cr.now()`, PostgreSQL's
 * `now() AT TIME ZONE 'UTC'` (odoo/sql_db.py), in a `timestamp` column; but the API reports it
 * truncated to the second (`fields.Datetime.to_string`, '%Y-%m-%d %H:%M:%S'). So the `=` leaf
 * never matches a stored 10:00:00.123456 read back as '10:00:00', while the `>` leaf matches the
 * whole second again: a page full of records from one second (one import transaction shares one
 * `cr.now()`) comes back forever. And `order: 'write_date asc, id asc'` sorts by the hidden
 * microseconds, so within one reported second the ids are not in order.
 *
 * So the keyset here is (reported second, id), and each second is finished in id order:
 *  1. scan: `write_date >= after`, ordered by write_date, id. Every second of the page except
 *     the last is complete (later seconds sort later); the last may continue past the page.
 *  2. finish that last second: `write_date >= T and write_date < T+1s and id > lastId`,
 *     ordered by id, page by page. Then scan again from T+1s.
 * The same reads are exact on a server that stores whole seconds (the sandbox).
 *
 * `write_date` is the transaction's start time, so a long transaction can commit rows older than
 * a cursor already saved: the engine keeps the checkpoint a settle window (`settleSeconds`, 120 s
 * for Odoo) behind the server's clock, so the next run reads them (docs/cursor-and-clocks.md).
 */
import { z } from 'zod';
import type { ChangePage, ChangeReader, CountOptions, ReadOptions, SourceRecord } from '../types.js';
import { compareKeys } from '../cursor.js';
import { filterLeaves } from './domains.js';
import { toSourceRecord, TRACKING_FIELDS } from './records.js';
import type { OdooRpc } from './rpc.js';
import { readOrderChanges } from './sale-order-reader.js';
import { SALE_ORDER } from './sale-orders.js';
import { changeRowsSchema, type ChangeRow } from './schemas.js';
import { isoToOdoo, nextSecond } from './time.js';

export const MAX_PAGE_SIZE = 500;
const DEFAULT_PAGE_SIZE = 100;

type Domain = readonly unknown[];

export function createReader(rpc: OdooRpc): ChangeReader {
  return {
    /** `search_count` on the scan's own domain, archived records included as the reads include them. */
    count(object: string, options: CountOptions): Promise<number> {
      return rpc.execute(
        {
          model: object,
          method: 'search_count',
          args: [options.since === null ? [] : [['write_date', '>=', isoToOdoo(options.since)]]],
          kwargs: { context: { active_test: false } },
          schema: z.number().int().nonnegative(),
        },
        { readOnly: true, ...(options.signal === undefined ? {} : { signal: options.signal }) },
      );
    },
    async *readChanges(object: string, options: ReadOptions): AsyncIterable<ChangePage> {
      const size = Math.max(1, Math.min(options.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
      // Orders change when their invoices do: their own reader (sale-order-reader.ts).
      if (object === SALE_ORDER) {
        yield* readOrderChanges(rpc, options, size);
        return;
      }
      const fields = [...new Set([...options.fields.filter((f) => f !== 'id'), ...TRACKING_FIELDS])];
      const filter = filterLeaves(options.filter);
      const fetch = (domain: Domain, order: string, limit: number): Promise<ChangeRow[]> =>
        rpc.execute(
          {
            model: object,
            method: 'search_read',
            args: [[...domain, ...filter]],
            kwargs: { fields, order, limit, context: { active_test: false } },
            schema: changeRowsSchema,
          },
          { readOnly: true, ...(options.signal === undefined ? {} : { signal: options.signal }) },
        );
      const page = (records: readonly SourceRecord[], last: SourceRecord): ChangePage => ({
        records,
        cursor: { modifiedAt: last.modifiedAt, lastId: last.id },
      });

      // The second being finished in id order (phase 2), and where the next scan starts (phase 1).
      // A cursor without an id (the lookback's, the settle limit's) starts with the scan: the second
      // it names is read whole by it, one request fewer for every incremental run.
      const startId = options.cursor?.lastId == null ? null : Number(options.cursor.lastId);
      const start = options.cursor === null ? null : isoToOdoo(options.cursor.modifiedAt);
      let second: string | null = startId === null ? null : start;
      let lastId: number | null = startId;
      let after: string | null = startId === null ? start : null;
      // Rows of a finished second, held to share the next page instead of making a page of their own.
      let held: ChangeRow[] = [];

      for (;;) {
        if (second !== null) {
          const bounds: Domain = [
            ['write_date', '>=', second],
            ['write_date', '<', nextSecond(second)],
            ...(lastId === null ? [] : [['id', '>', lastId]]),
          ];
          const rows = await fetch(bounds, 'id asc', size);
          if (rows.length === size) {
            const records = rows.map(toSourceRecord);
            yield page(records, records[records.length - 1] as SourceRecord);
            lastId = (rows[rows.length - 1] as ChangeRow).id;
            continue;
          }
          // This second is done; the scan below always picks the next one (or ends).
          held = rows;
          after = nextSecond(second);
        }
        const limit = size - held.length;
        const rows = await fetch(after === null ? [] : [['write_date', '>=', after]], 'write_date asc, id asc', limit);
        const complete =
          rows.length < limit ? rows : rows.filter((row) => row.write_date !== rows[rows.length - 1]?.write_date);
        const out = [...held.map(toSourceRecord), ...complete.map(toSourceRecord).sort(compareKeys)];
        held = [];
        const last = out[out.length - 1];
        if (last !== undefined) yield page(out, last);
        if (rows.length < limit) return;
        // The last second of a full scan may go on past it: finish it in id order.
        second = (rows[rows.length - 1] as ChangeRow).write_date;
        lastId = null;
      }
    },
  };
}
