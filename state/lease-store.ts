/**
 * The lease queries of state/leases.ts bound to one database and clock (`StateStore.leases`),
 * each in its own transaction, retried while another process has the database locked.
 */
import type { Kysely } from 'kysely';
import type { StoreEngine } from './engine.js';
import {
  acquireLease,
  listLeases,
  readLease,
  releaseLease,
  renewLease,
  type AcquireResult,
  type Lease,
  type LeaseHolder,
  type LeaseInfo,
} from './leases.js';
import type { Database } from './schema.js';

export class LeaseStore {
  constructor(
    private readonly engine: StoreEngine,
    private readonly now: () => string,
  ) {}

  /**
   * Takes `sync`'s lease for `ttlMs` when it is free, expired, already this holder's, or
   * `holderGone` says its holder is dead; otherwise answers who holds it.
   */
  acquire(
    sync: string,
    holder: LeaseHolder,
    ttlMs: number,
    holderGone?: (holder: LeaseInfo) => boolean,
  ): Promise<AcquireResult> {
    return this.write((trx) =>
      acquireLease(trx, {
        sync,
        holder,
        ttlMs,
        now: new Date(this.now()),
        ...(holderGone === undefined ? {} : { holderGone }),
      }),
    );
  }

  /** The heartbeat: extends the lease by `ttlMs` from now; undefined when it was lost. */
  renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    return this.write((trx) => renewLease(trx, lease, ttlMs, new Date(this.now())));
  }

  /** Frees the lease (a clean exit); false when it was no longer ours. */
  release(lease: Lease): Promise<boolean> {
    return this.write((trx) => releaseLease(trx, lease, new Date(this.now())));
  }

  get(sync: string): Promise<LeaseInfo | undefined> {
    return readLease(this.engine.db, sync);
  }

  list(): Promise<LeaseInfo[]> {
    return listLeases(this.engine.db);
  }

  private write<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.engine.retry(() => this.engine.db.transaction().execute(work));
  }
}
