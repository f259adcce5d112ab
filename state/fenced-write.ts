/**
 * The store's write transaction: retried whole while another process holds the database (SQLite), and,
 * on a store view that holds a sync's lease, fenced: the lease's token is checked inside the same
 * transaction before anything is written, so a holder that was taken over writes nothing.
 */
import type { Kysely } from 'kysely';
import type { StoreEngine } from './engine.js';
import { LeaseLostError } from './errors.js';
import { fence, type Lease } from './leases.js';
import type { Database } from './schema.js';

export interface WriteContext {
  readonly engine: StoreEngine;
  readonly lease: Lease | undefined;
  readonly now: () => string;
}

/** Runs `work` in one transaction for `sync` (undefined: the lease's own sync). */
export function fencedWrite<T>(
  context: WriteContext,
  sync: string | undefined,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const { engine, lease, now } = context;
  return engine.retry(() =>
    engine.db.transaction().execute(async (trx) => {
      if (lease !== undefined) {
        if (sync !== undefined && sync !== lease.sync)
          throw new Error(`a store fenced by the lease of "${lease.sync}" was asked to write for "${sync}"`);
        if (!(await fence(trx, lease, new Date(now())))) throw new LeaseLostError(lease.sync, lease.owner, lease.token);
      }
      return work(trx);
    }),
  );
}
