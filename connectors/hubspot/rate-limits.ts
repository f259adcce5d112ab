/**
 * HubSpot's rate limits as data for the engine's limiter, and how to read its signals, from the
 * usage guidelines (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines):
 *
 * - a rolling 10-second "burst" window per account (100 requests on the lowest tiers, 190 on
 *   Professional and Enterprise), reported on every response in `X-HubSpot-RateLimit-Max`,
 *   `-Remaining` and `-Interval-Milliseconds`, with the daily allowance in `-Daily` and
 *   `-Daily-Remaining`;
 * - the CRM search endpoints: their own limit (5 requests per second per account), outside the
 *   10-second window, and no rate-limit headers
 *   (https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm);
 * - a 429 carries no `Retry-After`: its JSON body names the limit hit in `policyName`
 *   (`TEN_SECONDLY_ROLLING`, `SECONDLY`, `DAILY`). The daily limit resets at midnight in the
 *   account's time zone, which the API does not tell.
 */
import { z } from 'zod';
import { numericHeader, type HttpRequest, type HttpResponse } from '../../src/http/types.js';
import type { RateAdvice, VendorLimits } from '../../src/http/vendor-limits.js';

export const BURST_WINDOW = 'ten-secondly';
export const SEARCH_WINDOW = 'search';
const SEARCH_PATH = /\/crm\/v3\/objects\/[^/?]+\/search(?:\?|$)/;

/** 100 requests per 10 s: the lowest tier's burst limit, safe on every account. */
export const DEFAULT_BURST = Object.freeze({ requests: 100, intervalMs: 10_000 });

// Tandem cannot know the account's time zone: after a DAILY 429 it probes again once an hour.
const DAILY_PROBE_MS = 60 * 60 * 1000;

const rateLimitBodySchema = z.object({ policyName: z.string().optional() }).loose();

function isSearch(request: HttpRequest): boolean {
  return SEARCH_PATH.test(new URL(request.url).pathname);
}

/** Reads a HubSpot response's rate-limit headers and a 429's `policyName`. */
export function adviseHubspot(response: HttpResponse, request: HttpRequest, now: number): RateAdvice | undefined {
  const interval = numericHeader(response.headers, 'x-hubspot-ratelimit-interval-milliseconds');
  const remaining = numericHeader(response.headers, 'x-hubspot-ratelimit-remaining');
  const window = isSearch(request) ? SEARCH_WINDOW : BURST_WINDOW;
  if (response.status === 429) {
    const parsed = rateLimitBodySchema.safeParse(response.body);
    const policy = parsed.success ? parsed.data.policyName : undefined;
    if (policy === 'DAILY') {
      return {
        exhaustedUntil: now + DAILY_PROBE_MS,
        reason:
          "HubSpot's daily API limit is used up (429 policyName DAILY; it resets at midnight in the account's time zone)",
      };
    }
    if (policy === 'SECONDLY') return { holdUntil: now + 1000, window, reason: 'HubSpot 429 SECONDLY' };
    // TEN_SECONDLY_ROLLING (or a policy we do not know): the whole window must roll over.
    return {
      holdUntil: now + (interval ?? DEFAULT_BURST.intervalMs),
      window: BURST_WINDOW,
      reason: `HubSpot 429 ${policy ?? 'without policyName'}`,
    };
  }
  if (remaining !== undefined && remaining <= 0 && interval !== undefined)
    return { holdUntil: now + interval, window: BURST_WINDOW, reason: 'X-HubSpot-RateLimit-Remaining: 0' };
  return undefined;
}

/**
 * The limits Tandem keeps for one HubSpot account: the burst window (`burst`, from the config's
 * `rateLimit`, default {@link DEFAULT_BURST}) and the search window (`searchPerSecond`).
 */
export function hubspotLimits(options: {
  readonly searchPerSecond: number;
  readonly burst?: { readonly requests: number; readonly intervalMs: number } | undefined;
}): VendorLimits {
  const burst = options.burst ?? DEFAULT_BURST;
  return {
    windows: [
      { name: BURST_WINDOW, requests: burst.requests, intervalMs: burst.intervalMs },
      { name: SEARCH_WINDOW, requests: options.searchPerSecond, intervalMs: 1000 },
    ],
    windowsFor: (request) => [isSearch(request) ? SEARCH_WINDOW : BURST_WINDOW],
    advise: adviseHubspot,
  };
}
