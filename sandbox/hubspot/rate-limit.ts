/**
 * HubSpot's rate limits as the usage guidelines describe them for private apps: a rolling
 * 10-second window (190 requests on Professional) and a daily allowance, both reported on every
 * response in `X-HubSpot-RateLimit-*` headers (429s included), and a separate per-second limit for
 * the search endpoints, which are exempt from the 10-second one and carry no rate-limit headers.
 * A 429 names the limit in its body's `policyName` and has no `Retry-After`.
 * https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
 */
import { type HubspotHttpError, rateLimited } from './errors.js';

export interface RateLimitOptions {
  /** Requests per rolling window. Default 190 (Professional). */
  readonly max?: number;
  /** Window length in ms. Default 10,000. */
  readonly windowMs?: number;
  /** Search requests per second. Default 5. */
  readonly searchPerSecond?: number;
  /** Requests per day. Default 625,000 (Professional). */
  readonly daily?: number;
}

export interface RateLimitDecision {
  /** Headers to send with the response (none for search). */
  readonly headers: Readonly<Record<string, string>>;
  /** Set when the request is over a limit. */
  readonly rejection?: HubspotHttpError;
}

export interface RateLimiter {
  admit(kind: 'general' | 'search', now?: number): RateLimitDecision;
}

/** A sliding log of request times; old entries fall out of the window. */
class SlidingWindow {
  private readonly times: number[] = [];
  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  used(now: number): number {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.windowMs) this.times.shift();
    return this.times.length;
  }

  record(now: number): void {
    this.times.push(now);
  }
}

export function createRateLimiter(options: RateLimitOptions = {}): RateLimiter {
  const general = new SlidingWindow(options.max ?? 190, options.windowMs ?? 10_000);
  const search = new SlidingWindow(options.searchPerSecond ?? 5, 1000);
  const dailyMax = options.daily ?? 625_000;
  let day = '';
  let dailyUsed = 0;
  const headers = (remaining: number): Record<string, string> => ({
    'x-hubspot-ratelimit-interval-milliseconds': String(general.windowMs),
    'x-hubspot-ratelimit-max': String(general.max),
    'x-hubspot-ratelimit-remaining': String(Math.max(0, remaining)),
    'x-hubspot-ratelimit-daily': String(dailyMax),
    'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, dailyMax - dailyUsed)),
  });

  return {
    admit(kind, now = Date.now()) {
      const today = new Date(now).toISOString().slice(0, 10);
      if (today !== day) {
        day = today;
        dailyUsed = 0;
      }
      if (dailyUsed >= dailyMax)
        return { headers: kind === 'search' ? {} : headers(0), rejection: rateLimited('DAILY') };
      if (kind === 'search') {
        if (search.used(now) >= search.max) return { headers: {}, rejection: rateLimited('SECONDLY') };
        search.record(now);
        dailyUsed++;
        return { headers: {} };
      }
      const used = general.used(now);
      if (used >= general.max) return { headers: headers(0), rejection: rateLimited('TEN_SECONDLY_ROLLING') };
      general.record(now);
      dailyUsed++;
      return { headers: headers(general.max - used - 1) };
    },
  };
}
