/**
 * Incremental reads of `sale.order` by its change time E = max(order `write_date`, its invoices'
 * `write_date`): paying or posting an invoice moves the invoice, not the order, yet changes what
 * the order reads (`invoices.*`). Two streams from the same second T are merged:
 *  - A: orders with `write_date >= T`, by write_date (one `sale.order.search_read`);
 *  - B: customer invoices and credit notes with `write_date >= T` (one `account.move.search_read`),
 *    then their orders (`sale.order.search_read` on `invoice_ids in [...]`).
 * Each stream, when its page is full, is complete only below the second of its last row; the page
 * yields the orders whose E lies in [T, the lower of the two bounds), sorted by (E, id), and the
 * next scan starts at that bound. Every order with E >= T has a row (itself or an invoice) at E,
 * so none is missed. A second holding more than a page of rows is finished in id order
 * (`id > lastId` on both streams), as the partner reader does (reader.ts explains why seconds).
 *
 * Requests per page of orders: 2 scans, +1 for the orders of changed invoices (when some changed),
 * +1 for the candidates' invoices (when they have some), +1 for the lines (when `order_line` is read).
 */
import { z } from 'zod';
import type { ChangePage, ReadOptions, SourceRecord } from '../types.js';
import { filterLeaves } from './domains.js';
import type { InvoiceRow } from './invoice-totals.js';
import type { OdooRpc } from './rpc.js';
import {
  effectiveWriteDate,
  fetchInvoices,
  INVOICE_TYPES,
  orderRecords,
  orderView,
  searchOrders,
  type OrderRow,
  type OrderView,
} from './sale-orders.js';
import { idsSchema } from './schemas.js';
import { isoToOdoo, nextSecond } from './time.js';

type Domain = readonly unknown[];
const INVOICES: Domain = [['move_type', 'in', [...INVOICE_TYPES]]];
const moveRowsSchema = z.array(z.looseObject({ id: z.number().int().positive(), write_date: z.string() }));

/** The page of one step, and where the next step starts. */
interface Step {
  readonly records: SourceRecord[];
  /** Scan: the next second to scan from (null: both streams are done). Finish: the last id covered (null: second done). */
  readonly next: string | number | null;
}

class OrderStreams {
  constructor(
    private readonly rpc: OdooRpc,
    private readonly view: OrderView,
    private readonly filter: readonly unknown[],
    private readonly options: { readonly signal?: AbortSignal },
  ) {}

  private orders(domain: Domain, order: string, limit: number): Promise<OrderRow[]> {
    return searchOrders(this.rpc, this.view, [...domain, ...this.filter], order, limit, this.options);
  }

  /** Candidates found by both streams, their invoices, and the records of those `keep` accepts, in (E, id) order. */
  private async records(
    candidates: readonly OrderRow[],
    keep: (order: OrderRow, changed: string) => boolean,
  ): Promise<SourceRecord[]> {
    const unique = [...new Map(candidates.map((o) => [o.id, o])).values()];
    const invoices: Map<number, InvoiceRow> = await fetchInvoices(this.rpc, unique, this.options);
    const kept = unique
      .map((order) => ({ order, changed: effectiveWriteDate(order, invoices) }))
      .filter(({ order, changed }) => keep(order, changed))
      .sort((a, b) => (a.changed < b.changed ? -1 : a.changed > b.changed ? 1 : a.order.id - b.order.id));
    if (kept.length === 0) return [];
    return orderRecords(
      this.rpc,
      this.view,
      kept.map((k) => k.order),
      invoices,
      this.options,
    );
  }

  /** Customer invoices matching `domain`, oldest write first (`limit` 0: all). */
  private moves(domain: Domain, limit: number): Promise<Array<{ id: number; write_date: string }>> {
    return this.rpc.execute(
      {
        model: 'account.move',
        method: 'search_read',
        args: [[...INVOICES, ...domain]],
        kwargs: { fields: ['write_date'], order: 'write_date asc, id asc', ...(limit > 0 ? { limit } : {}) },
        schema: moveRowsSchema,
      },
      { readOnly: true, ...(this.options.signal === undefined ? {} : { signal: this.options.signal }) },
    );
  }

  /** One scan from second `at` (null: the beginning), leaving out E = at with id <= lastId. */
  async scan(at: string | null, lastId: number | null, size: number): Promise<Step> {
    const since: Domain = at === null ? [] : [['write_date', '>=', at]];
    const a = await this.orders(since, 'write_date asc, id asc', size);
    const b = await this.moves(since, size);
    const bounds = [a, b].filter((rows) => rows.length === size).map((rows) => rows[rows.length - 1]?.write_date);
    const bound = bounds.reduce<string | null>(
      (low, s) => (s !== undefined && (low === null || s < low) ? s : low),
      null,
    );
    const viaInvoices =
      b.length === 0 ? [] : await this.orders([['invoice_ids', 'in', b.map((m) => m.id)]], 'id asc', 0);
    const records = await this.records([...a, ...viaInvoices], (order, changed) => {
      if (at !== null && (changed < at || (changed === at && lastId !== null && order.id <= lastId))) return false;
      return bound === null || changed < bound;
    });
    return { records, next: bound };
  }

  /** Finishes second `at` in id order after `lastId`; `moveIds`: the invoices written in that second. */
  async finish(at: string, lastId: number | null, size: number, moveIds: readonly number[]): Promise<Step> {
    const after: Domain = lastId === null ? [] : [['id', '>', lastId]];
    const second: Domain = [
      ['write_date', '>=', at],
      ['write_date', '<', nextSecond(at)],
    ];
    const a = await this.orders([...second, ...after], 'id asc', size);
    const via =
      moveIds.length === 0 ? [] : await this.orders([['invoice_ids', 'in', moveIds], ...after], 'id asc', size);
    const bounds = [a, via].filter((rows) => rows.length === size).map((rows) => rows[rows.length - 1]?.id ?? 0);
    const bound = bounds.length === 0 ? null : Math.min(...bounds);
    const records = await this.records([...a, ...via], (order, changed) => {
      return changed === at && (bound === null || order.id <= bound);
    });
    return { records, next: bound };
  }

  /** The ids of the customer invoices written in second `at`. */
  async movesIn(at: string): Promise<number[]> {
    return this.rpc.execute(
      {
        model: 'account.move',
        method: 'search',
        args: [[...INVOICES, ['write_date', '>=', at], ['write_date', '<', nextSecond(at)]]],
        kwargs: { order: 'id asc' },
        schema: idsSchema,
      },
      { readOnly: true, ...(this.options.signal === undefined ? {} : { signal: this.options.signal }) },
    );
  }
}

/**
 * A step's records (sorted by (E, id)) as pages of at most `size` (both streams together can find
 * more), each resuming after its last record; the last page after `covered` when a finished
 * second's ids were covered up to it.
 */
function* pages(records: readonly SourceRecord[], size: number, covered: number | null): Iterable<ChangePage> {
  for (let at = 0; at < records.length; at += size) {
    const chunk = records.slice(at, at + size);
    const last = chunk[chunk.length - 1] as SourceRecord;
    const final = at + size >= records.length;
    yield {
      records: chunk,
      cursor: { modifiedAt: last.modifiedAt, lastId: final && covered !== null ? String(covered) : last.id },
    };
  }
}

/** `readChanges('sale.order', ...)`: pages in (E, id) order; see the module doc. */
export async function* readOrderChanges(rpc: OdooRpc, options: ReadOptions, size: number): AsyncIterable<ChangePage> {
  const view = orderView(options.fields);
  // `invoices` is the connector's own field: Odoo cannot filter on it (the engine's own check does).
  const pushed = options.filter?.filter((condition) => condition.field !== 'invoices');
  const streams = new OrderStreams(rpc, view, filterLeaves(pushed), options);
  let at = options.cursor === null ? null : isoToOdoo(options.cursor.modifiedAt);
  let lastId = options.cursor?.lastId == null ? null : Number(options.cursor.lastId);
  for (;;) {
    const scan = await streams.scan(at, lastId, size);
    yield* pages(scan.records, size, null);
    if (scan.next === null) return;
    if (scan.next !== at) {
      at = scan.next as string;
      lastId = null;
      continue;
    }
    // More rows in second `at` than a page: finish it in id order, then scan on from the next second.
    const second = at;
    const moveIds = await streams.movesIn(second);
    for (;;) {
      const step = await streams.finish(second, lastId, size, moveIds);
      const covered = step.next as number | null;
      yield* pages(step.records, size, covered);
      if (covered === null) break;
      lastId = covered;
    }
    at = nextSecond(second);
    lastId = null;
  }
}
