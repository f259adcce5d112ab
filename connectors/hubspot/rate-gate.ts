/**
 * Honours HubSpot's `X-HubSpot-RateLimit-*` headers: when a response says the rolling window has
 * no requests left (`-Remaining: 0`), the next request waits for the window
 * (`-Interval-Milliseconds`) instead of spending itself on a 429.
 * https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
 */

export interface RateGate {
  /** Resolves when a request may go. */
  wait(): Promise<void>;
  /** Reads the rate-limit headers of a response. */
  observe(headers: Readonly<Record<string, string | string[] | undefined>>): void;
}

function header(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): number | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export function createRateGate(
  now: () => number = Date.now,
  sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
): RateGate {
  let closedUntil = 0;
  return {
    async wait() {
      const delay = closedUntil - now();
      if (delay > 0) await sleep(delay);
    },
    observe(headers) {
      const remaining = header(headers, 'x-hubspot-ratelimit-remaining');
      const interval = header(headers, 'x-hubspot-ratelimit-interval-milliseconds');
      if (remaining !== undefined && remaining <= 0 && interval !== undefined)
        closedUntil = Math.max(closedUntil, now() + interval);
    },
  };
}
