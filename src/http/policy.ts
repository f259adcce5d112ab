/**
 * One resilience policy per connector, composed with cockatiel's `wrap()` as
 * `breaker ∘ retry ∘ rate limit ∘ timeout`, with one AbortSignal flowing through:
 *
 * - timeout: per attempt (cooperative: the signal aborts the request);
 * - rate limit: the vendor's documented windows, and holds its responses ask for (rate-limiter.ts);
 * - retry: exponential backoff with full jitter, or the wait the vendor asked for (`Retry-After`,
 *   a rate-limit window), only for attempts judged `retry` (verdict.ts);
 * - breaker: the connector's circuit, counting attempts judged `outage` after their retries; a
 *   used-up quota trips it open until the quota resets.
 *
 * What counts as a failure is decided in verdict.ts; this file only decides what to do about it.
 * Policies emit events (`retry.onRetry`, `limiter.onHold`, `timeout.onTimeout`, the breaker's
 * `onStateChange`); the engine turns them into logs and metrics (policy-events.ts).
 */
import {
  DelegateBackoff,
  handleWhenResult,
  isBrokenCircuitError,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
  type IRetryBackoffContext,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import type { TandemError } from '../errors.js';
import { QuotaExhaustedError } from './errors.js';
import { RateLimiter } from './rate-limiter.js';
import { redactUrl, type HttpRequest, type HttpResponse } from './types.js';
import { judgeError, judgeResponse, type Attempt } from './verdict.js';
import type { VendorLimits } from './vendor-limits.js';

export interface RetrySettings {
  /** Retries after the first attempt. Default 4. */
  readonly limit: number;
  /** First backoff ceiling in ms; doubles each attempt. Default 250. */
  readonly baseDelayMs: number;
  /** Largest backoff in ms, and the largest wait a vendor may ask for. Default 30,000. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = Object.freeze({ limit: 4, baseDelayMs: 250, maxDelayMs: 30_000 });

/** What the policy needs of the connector's circuit breaker (runtime/breaker.ts builds it). */
export interface CircuitHandle {
  readonly policy: IPolicy;
  /** Opens the circuit until `until` at the next failure it sees (a used-up quota). */
  trip(until: number, reason: string): void;
  /** The trip in force, if any. */
  tripped(): { readonly until: number; readonly reason: string } | undefined;
}

export interface RequestPolicyOptions {
  readonly connector: string;
  readonly retry?: Partial<RetrySettings>;
  /** Per-attempt timeout in ms. Default 30,000. */
  readonly timeoutMs?: number;
  readonly limits?: VendorLimits;
  readonly circuit?: CircuitHandle;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** One attempt's raw outcome, before it is judged. */
export type Outcome =
  | { readonly kind: 'response'; readonly response: HttpResponse }
  | { readonly kind: 'failed'; readonly error: TandemError; readonly code: string };

/**
 * Full-jitter backoff: a random delay in [1, min(max, base * 2^(attempt-1))], or the wait the
 * vendor asked for (capped by `maxDelayMs`).
 */
export function backoffDelay(
  attempt: number,
  settings: RetrySettings,
  askedMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (askedMs !== undefined) return Math.min(Math.max(askedMs, 1), settings.maxDelayMs);
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(1, Math.floor(random() * ceiling));
}

function isAttempt(value: unknown): value is Attempt {
  return typeof value === 'object' && value !== null && 'verdict' in value;
}

export class RequestPolicy {
  readonly retry: RetryPolicy;
  readonly timeout: TimeoutPolicy;
  readonly limiter: RateLimiter;
  readonly circuit: CircuitHandle | undefined;
  readonly settings: RetrySettings;
  private readonly composed = new Map<string, IPolicy>();
  private readonly now: () => number;

  constructor(private readonly options: RequestPolicyOptions) {
    const settings: RetrySettings = { ...DEFAULT_RETRY, ...options.retry };
    const random = options.random ?? Math.random;
    this.settings = settings;
    this.now = options.now ?? (() => Date.now());
    this.circuit = options.circuit;
    this.limiter = new RateLimiter(options.limits?.windows ?? [], this.now);
    this.retry = retry(
      // A Retry-After longer than maxDelayMs is not waited for now: the run moves on (as got did).
      // A rate-limit window is: it is short and known, and the limiter holds requests until it rolls over.
      handleWhenResult(
        (value) => isAttempt(value) && value.verdict.retry && (value.verdict.retryAfterMs ?? 0) <= settings.maxDelayMs,
      ),
      {
        maxAttempts: settings.limit,
        backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
          const last = 'value' in context.result ? context.result.value : undefined;
          const asked = isAttempt(last) ? last.verdict.waitMs : undefined;
          return backoffDelay(context.attempt, settings, asked, random);
        }),
      },
    );
    // Not aborted on return (cockatiel's default): got would then destroy a request that already
    // finished, and with keep-alive the socket it hands to the next request.
    this.timeout = timeout(options.timeoutMs ?? 30_000, {
      strategy: TimeoutStrategy.Cooperative,
      abortOnReturn: false,
    });
  }

  /** The composed policy for the windows `request` counts against: built once per set of windows. */
  private policyFor(request: HttpRequest): IPolicy {
    const names = this.options.limits?.windowsFor?.(request) ?? this.limiter.windows();
    const key = names.join('\n');
    let policy = this.composed.get(key);
    if (policy === undefined) {
      const chain: IPolicy[] = [this.retry, this.limiter.policy(names), this.timeout];
      policy = wrap(...(this.circuit === undefined ? chain : [this.circuit.policy, ...chain]));
      this.composed.set(key, policy);
    }
    return policy;
  }

  /**
   * Runs `send` under the policy: judged, retried, rate limited, timed out, through the breaker.
   * Resolves with the last attempt; rejects only with a `BrokenCircuitError` (the circuit is open)
   * or a cancelled signal.
   */
  async run(request: HttpRequest, send: (signal: AbortSignal) => Promise<Outcome>): Promise<Attempt> {
    const limits = this.options.limits;
    const target = `${request.method} ${redactUrl(request.url)}`;
    try {
      return await this.policyFor(request).execute(async ({ signal }) => {
        const outcome = await send(signal);
        if (outcome.kind === 'failed')
          return { kind: 'failed', error: outcome.error, verdict: judgeError(request, outcome.code), request: target };
        const now = this.now();
        const advice = limits?.advise?.(outcome.response, request, now);
        if (advice?.holdUntil !== undefined) this.limiter.hold(advice.holdUntil, advice.reason, advice.window);
        const verdict = judgeResponse(request, outcome.response, advice, now);
        if (verdict.exhaustedUntil !== undefined)
          this.circuit?.trip(verdict.exhaustedUntil, verdict.reason ?? 'quota used up');
        return { kind: 'response', response: outcome.response, verdict, request: target } satisfies Attempt;
      }, request.signal);
    } catch (error) {
      const trip = this.circuit?.tripped();
      if (isBrokenCircuitError(error) && trip !== undefined)
        throw new QuotaExhaustedError(this.options.connector, trip.until, trip.reason);
      throw error;
    }
  }
}

/** The breaker's notion of failure: an attempt judged an outage (after its retries). */
export function isOutageAttempt(value: unknown): boolean {
  return isAttempt(value) && value.verdict.outage;
}
