/**
 * The client-side rate limiter as a cockatiel policy, so it composes with `wrap()` like the
 * others: each request waits for a free slot in the sliding windows it counts against (shaped
 * like the vendor's documented limits, see vendor-limits.ts), and for any hold a response asked
 * for (HubSpot's `-Remaining: 0`, a 429's window). Waiting is announced on `onHold`, never logged
 * here.
 */
import {
  EventEmitter,
  type IDefaultPolicyContext,
  type IFailureEvent,
  type IPolicy,
  type ISuccessEvent,
} from 'cockatiel';
import type { RateWindow } from './vendor-limits.js';

/** A request is about to wait `ms` for `window`. */
export interface HoldEvent {
  readonly window: string;
  readonly ms: number;
  readonly reason: string;
}

class SlidingLog {
  private readonly times: number[] = [];
  holdUntil = 0;
  holdReason = '';
  constructor(readonly window: RateWindow) {}

  /** Ms until a request may go (0: now). */
  waitMs(now: number): number {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.window.intervalMs) this.times.shift();
    const full = this.times.length >= this.window.requests ? (this.times[0] ?? now) + this.window.intervalMs - now : 0;
    return Math.max(full, this.holdUntil - now, 0);
  }

  record(now: number): void {
    this.times.push(now);
  }
}

/** The shared state of a connector's windows; {@link RateLimiter.policy} gives the policy for a set of them. */
export class RateLimiter {
  private readonly logs = new Map<string, SlidingLog>();
  private readonly holdEmitter = new EventEmitter<HoldEvent>();
  /** Fires before a request waits. */
  readonly onHold = this.holdEmitter.addListener;

  constructor(
    windows: readonly RateWindow[],
    private readonly now: () => number = () => Date.now(),
  ) {
    for (const window of windows) this.logs.set(window.name, new SlidingLog(window));
  }

  /** Names of the windows this limiter keeps. */
  windows(): string[] {
    return [...this.logs.keys()];
  }

  /** Holds `window` (every window when undefined) until `until`. */
  hold(until: number, reason: string, window?: string): void {
    for (const [name, log] of this.logs) {
      if (window !== undefined && name !== window) continue;
      if (until > log.holdUntil) {
        log.holdUntil = until;
        log.holdReason = reason;
      }
    }
  }

  /** Waits until every one of `names` has a free slot, then takes one in each. */
  async acquire(names: readonly string[], signal: AbortSignal): Promise<void> {
    const logs = names.map((name) => this.logs.get(name)).filter((log): log is SlidingLog => log !== undefined);
    for (;;) {
      signal.throwIfAborted();
      const now = this.now();
      let wait = 0;
      let blocking: SlidingLog | undefined;
      for (const log of logs) {
        const ms = log.waitMs(now);
        if (ms > wait) [wait, blocking] = [ms, log];
      }
      if (blocking === undefined) {
        for (const log of logs) log.record(now);
        return;
      }
      const reason = blocking.holdUntil > now ? blocking.holdReason : 'window full';
      this.holdEmitter.emit({ window: blocking.window.name, ms: wait, reason });
      await sleep(wait, signal);
    }
  }

  /** The policy that makes each execution wait for `names` (a cockatiel `IPolicy`, for `wrap()`). */
  policy(names: readonly string[]): IPolicy {
    return new RateLimitPolicy(this, names);
  }
}

class RateLimitPolicy implements IPolicy {
  declare readonly _altReturn: never;
  private readonly successEmitter = new EventEmitter<ISuccessEvent>();
  private readonly failureEmitter = new EventEmitter<IFailureEvent>();
  readonly onSuccess = this.successEmitter.addListener;
  readonly onFailure = this.failureEmitter.addListener;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly names: readonly string[],
  ) {}

  async execute<T>(fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> {
    const live = signal ?? new AbortController().signal;
    await this.limiter.acquire(this.names, live);
    return fn({ signal: live });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
