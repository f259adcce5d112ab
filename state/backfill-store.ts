/** The backfill queries of state/backfills.ts bound to one database and clock. */
import type { Kysely } from 'kysely';
import {
  beginBackfill,
  byId,
  closeAbandonedBackfills,
  finishBackfill,
  latestBackfill,
  markBackfillSideDone,
  saveBackfillPage,
  setBackfillTotals,
  unfinishedBackfill,
  type Backfill,
  type BackfillPage,
  type BackfillStart,
  type BeginBackfill,
} from './backfills.js';
import type { BackfillState, Database, Side } from './schema.js';

/** The backfill queries bound to one database and clock: `StateStore.backfills`. */
export class BackfillStore {
  /** `write`: how a cursor-moving write runs (the store's fenced, retried transaction); default: as is. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => string,
    private readonly write: <T>(work: (db: Kysely<Database>) => Promise<T>) => Promise<T> = (work) => work(db),
  ) {}

  /** The latest backfill of `sync`, finished or not. */
  latest(sync: string): Promise<Backfill | undefined> {
    return latestBackfill(this.db, sync);
  }

  get(id: number): Promise<Backfill> {
    return byId(this.db, id);
  }

  unfinished(sync: string): Promise<Backfill | undefined> {
    return unfinishedBackfill(this.db, sync);
  }

  begin(request: BeginBackfill): Promise<BackfillStart> {
    return beginBackfill(this.db, request, this.now());
  }

  setTotals(id: number, totals: { readonly crm?: number | null; readonly erp?: number | null }): Promise<void> {
    return setBackfillTotals(this.db, id, totals);
  }

  savePage(id: number, page: BackfillPage): Promise<void> {
    return this.write((db) => saveBackfillPage(db, id, page, this.now()));
  }

  sideDone(id: number, side: Side): Promise<void> {
    return this.write((db) => markBackfillSideDone(db, id, side, this.now()));
  }

  finish(
    id: number,
    state: Exclude<BackfillState, 'running'>,
    error: string | null,
    written?: { readonly crm: number; readonly erp: number },
  ): Promise<void> {
    return finishBackfill(this.db, id, state, error, this.now(), written);
  }

  closeAbandoned(): Promise<number> {
    return closeAbandonedBackfills(this.db, this.now());
  }
}
