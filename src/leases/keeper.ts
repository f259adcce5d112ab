/**
 * Holds this process's sync leases: takes them (all of a command's at once, or waiting for them),
 * renews them on a heartbeat timer while the process works, hands out store views fenced by them,
 * and releases them on a clean exit. A process killed outright leaves its leases to expire after
 * the TTL, or to be taken at once by the next process on the same host (its pid is gone).
 */
import type { Logger } from '../logger.js';
import { describeError } from '../errors.js';
import type { AcquireResult, Lease, LeaseHolder, LeaseInfo, LeasePurpose, StateStore } from '../../state/index.js';
import { describeHolder, leaseHeldError } from './describe.js';
import { holderGone, newHolder } from './holder.js';

/** How long a lease lasts without a heartbeat: a dead holder's syncs wait at most this long. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface LeaseKeeperOptions {
  readonly store: StateStore;
  readonly purpose: LeasePurpose;
  readonly logger: Logger;
  /** Default {@link DEFAULT_LEASE_TTL_MS}; the heartbeat renews every third of it. */
  readonly ttlMs?: number;
  /** How often a waiting command tries again. Default 1000 ms. */
  readonly pollMs?: number;
  /** A lease a heartbeat found taken over by another process. */
  readonly onLost?: (sync: string) => void;
}

export interface WaitOptions {
  /** Wait while another process holds one of the syncs, instead of failing with LEASE_HELD. */
  readonly wait?: boolean;
  /** With `wait`: give up after this long (LEASE_HELD). Default: no limit. */
  readonly timeoutMs?: number;
  /** Stops waiting (Ctrl-C): the command fails with LEASE_HELD. */
  readonly signal?: AbortSignal;
  /** Told once per holder that this process waits for. */
  readonly onWaiting?: (sync: string, holder: LeaseInfo) => void;
}

export class LeaseKeeper {
  readonly holder: LeaseHolder;
  readonly ttlMs: number;
  private readonly held = new Map<string, Lease>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.holder = newHolder(options.purpose);
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  /** Takes `sync`'s lease if it can, now; starts the heartbeat with the first one held. */
  async tryAcquire(sync: string): Promise<AcquireResult> {
    const result = await this.options.store.leases.acquire(sync, this.holder, this.ttlMs, holderGone);
    if (result.acquired) {
      this.held.set(sync, result.lease);
      this.startHeartbeat();
    }
    return result;
  }

  /**
   * Takes every lease of `syncs`, or none: a command needs them all (a run of contacts runs
   * companies first). Held elsewhere: throws LEASE_HELD naming the holder, or with `wait` tries
   * again every `pollMs`, holding nothing meanwhile, so two waiting commands cannot deadlock.
   */
  async acquireAll(syncs: readonly string[], options: WaitOptions = {}): Promise<void> {
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    const told = new Set<string>();
    for (;;) {
      let blocked: { sync: string; holder: LeaseInfo } | undefined;
      for (const sync of syncs) {
        const result = await this.tryAcquire(sync);
        if (!result.acquired) {
          blocked = { sync, holder: result.holder };
          break;
        }
      }
      if (blocked === undefined) return;
      await this.releaseAll();
      const { sync, holder } = blocked;
      if (options.wait !== true || Date.now() >= deadline || options.signal?.aborted === true)
        throw leaseHeldError(sync, holder);
      if (!told.has(`${sync}:${holder.owner ?? ''}`)) {
        told.add(`${sync}:${holder.owner ?? ''}`);
        options.onWaiting?.(sync, holder);
      }
      await sleep(Math.min(this.options.pollMs ?? 1000, Math.max(0, deadline - Date.now())), options.signal);
    }
  }

  holds(sync: string): boolean {
    return this.held.has(sync);
  }

  /** The store fenced by `sync`'s lease; undefined when this process does not hold it. */
  storeFor(sync: string): StateStore | undefined {
    const lease = this.held.get(sync);
    return lease === undefined ? undefined : this.options.store.withLease(lease);
  }

  /** Renews every lease held; one taken over by another process is dropped and reported. */
  async heartbeat(): Promise<void> {
    for (const [sync, lease] of [...this.held]) {
      let renewed: Lease | undefined;
      try {
        renewed = await this.options.store.leases.renew(lease, this.ttlMs);
      } catch (error) {
        // The store stayed busy: the lease is still ours until it expires; try again next beat.
        this.options.logger.warn({ sync, error: describeError(error) }, 'lease heartbeat failed; retrying');
        continue;
      }
      if (renewed !== undefined) {
        if (this.held.get(sync) === lease) this.held.set(sync, renewed);
        continue;
      }
      this.held.delete(sync);
      const now = await this.options.store.leases.get(sync);
      this.options.logger.error(
        { sync, token: lease.token, holder: now?.owner ?? null },
        `lease of ${sync} lost${now?.owner == null ? '' : ` to ${describeHolder(now)}`}: this process stopped driving it; a run in flight stops at its next write`,
      );
      this.options.onLost?.(sync);
    }
  }

  /** Stops the heartbeat and frees every lease held (a clean exit). */
  async releaseAll(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const [sync, lease] of [...this.held]) {
      this.held.delete(sync);
      try {
        await this.options.store.leases.release(lease);
      } catch (error) {
        // Unreleased, it expires after its TTL: only slower for the next holder.
        this.options.logger.warn({ sync, error: describeError(error) }, 'lease release failed; it expires by itself');
      }
    }
  }

  private startHeartbeat(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(
      () => {
        this.heartbeat().catch((error: unknown) =>
          this.options.logger.error({ error: describeError(error) }, 'lease heartbeat failed'),
        );
      },
      Math.max(50, Math.floor(this.ttlMs / 3)),
    );
    // The heartbeat alone never keeps a finished command alive.
    this.timer.unref();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
