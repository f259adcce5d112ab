/**
 * Incremental reads by modification time, keyset-paged by (time, id), never by offset (offsets
 * skip records when the set moves between pages), deactivated records included
 * (`active_test: false`) and yielded as tombstones.
 *
 * Tryton's modification time is `coalesce(write_date, create_date)`: `write_date` is null until
 * the first update. A domain cannot order by a coalesce, so the reader merges two streams that
 * each can be ordered and keyset-paged on a real column:
 *  - never updated: `write_date = null`, by (create_date, id);
 *  - updated: `write_date != null`, by (write_date, id).
 * Each page asks both for the next `size` rows after the cursor, merges them and keeps the first
 * `size`; the next page starts again from its last row. A record that is updated meanwhile moves
 * to the second stream with a later time, and is read there.
 *
 * A party's email, phone, address or tax identifier edited on its own does not change the party's
 * `write_date`: after the parties, an incremental read also yields the parties whose sub-records
 * changed since its start (subrecords.ts). Likewise a sale whose invoice was posted or paid
 * (sale-invoices.ts).
 *
 * Requests: two `search_read` per page (the two streams; a sale's lines and invoices come nested
 * in them), plus, for an incremental read of sales, one `account.invoice` and one `sale.sale`
 * search per 500 changed invoices and one `search_read` per page of sales changed only through
 * an invoice.
 *
 * Times keep Tryton's microseconds (its SQLite `NOW()` and PostgreSQL's `now()` have them), so
 * the cursor's `=` leaf matches exactly; one `create` of many records shares one time (one
 * transaction), which the id tie-breaker pages through.
 */
import { z } from 'zod';
import type { ChangePage, ChangeReader, CountOptions, ReadOptions } from '../types.js';
import type { FieldCatalog } from './catalog.js';
import { PARTY } from './party.js';
import { SALE } from './sale.js';
import { salesChangedThroughInvoices } from './sale-invoices.js';
import { compareKeys, type KeysetKey } from '../cursor.js';
import { expandFields, modifiedAt, toSourceRecord, TRACKING_FIELDS } from './records.js';
import type { TrytonRpc } from './rpc.js';
import { changeRowsSchema, type ChangeRow } from './schemas.js';
import { partiesChangedThroughSubrecords } from './subrecords.js';
import { keyset, sinceDomain } from './domains.js';

export const MAX_PAGE_SIZE = 500;
const DEFAULT_PAGE_SIZE = 100;

/** A row's keyset key: its own modification time (not a sub-record's) and id. */
const keyOf = (row: ChangeRow): KeysetKey => ({ modifiedAt: modifiedAt(row), id: String(row.id) });

export function createReader(rpc: TrytonRpc, catalog: FieldCatalog): ChangeReader {
  return {
    /** `search_count` over both streams, deactivated records included as the reads include them. */
    count(object: string, options: CountOptions): Promise<number> {
      return rpc.model(object, 'search_count', [sinceDomain(options.since)], z.number().int().nonnegative(), {
        readOnly: true,
        context: { active_test: false },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
    },
    async *readChanges(object: string, options: ReadOptions): AsyncIterable<ChangePage> {
      const size = Math.max(1, Math.min(options.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
      const signal = options.signal;
      const known = await catalog.fields(object, signal);
      const requested = options.fields.filter((f) => f !== 'id');
      const fields = [
        ...new Set([...expandFields(object, requested), ...TRACKING_FIELDS, ...('active' in known ? ['active'] : [])]),
      ];
      const fetch = (domain: unknown[], column: string): Promise<ChangeRow[]> =>
        rpc.model(
          object,
          'search_read',
          [
            domain,
            0,
            size,
            [
              [column, 'ASC'],
              ['id', 'ASC'],
            ],
            fields,
          ],
          changeRowsSchema,
          { readOnly: true, context: { active_test: false }, ...(signal === undefined ? {} : { signal }) },
        );

      let cursor = options.cursor;
      const seen = new Set<number>();
      // An incremental read of parties (sales): those whose sub-records (invoices) changed since its
      // start, asked first, so a record read below is dated by the later of its own change and theirs.
      const since = options.cursor?.modifiedAt;
      const touched =
        since === undefined
          ? new Map<number, string>()
          : object === PARTY
            ? await partiesChangedThroughSubrecords(rpc, requested, since, signal)
            : object === SALE
              ? await salesChangedThroughInvoices(rpc, since, signal)
              : new Map<number, string>();
      const dated = (row: ChangeRow) => {
        const record = toSourceRecord(object, row, requested);
        const at = touched.get(row.id);
        return at !== undefined && at > record.modifiedAt ? { ...record, modifiedAt: at } : record;
      };
      for (;;) {
        const [fresh, updated] = await Promise.all([
          fetch([['write_date', '=', null], ...keyset('create_date', cursor)], 'create_date'),
          fetch([['write_date', '!=', null], ...keyset('write_date', cursor)], 'write_date'),
        ]);
        const rows = [...fresh, ...updated].sort((a, b) => compareKeys(keyOf(a), keyOf(b))).slice(0, size);
        const last = rows[rows.length - 1];
        if (last === undefined) break;
        cursor = { modifiedAt: modifiedAt(last), lastId: String(last.id) };
        if (touched.size > 0) for (const row of rows) seen.add(row.id);
        yield { records: rows.map(dated), cursor };
        if (fresh.length < size && updated.length < size && rows.length === fresh.length + updated.length) break;
      }
      // Then the parties (sales) changed through a sub-record (an invoice) only, under the last cursor (they never move a
      // checkpoint; read again, they are echoes).
      if (cursor === null) return;
      const ids = [...touched.keys()].filter((id) => !seen.has(id));
      for (let i = 0; i < ids.length; i += size) {
        const rows = await fetch([['id', 'in', ids.slice(i, i + size)]], 'id');
        if (rows.length > 0) yield { records: rows.map(dated), cursor };
      }
    },
  };
}
