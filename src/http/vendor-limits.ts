/**
 * A vendor's documented rate limits as data (windows of N requests per interval) plus how to
 * read its rate-limit signals (headers, a 429's body). The engine's limiter and retry policy act
 * on them; each connector only describes its vendor.
 */
import type { HttpRequest, HttpResponse } from './types.js';

/** At most `requests` requests per sliding `intervalMs`. */
export interface RateWindow {
  readonly name: string;
  readonly requests: number;
  readonly intervalMs: number;
}

/** What a response says about the vendor's limits. */
export interface RateAdvice {
  /** Hold the next requests of `window` (of every window when absent) until this time (epoch ms). */
  readonly holdUntil?: number;
  readonly window?: string;
  /** The vendor refuses every request until about this time (a used-up daily quota): do not retry. */
  readonly exhaustedUntil?: number;
  /** Why, for logs and errors: the vendor's policy name and what it means. */
  readonly reason: string;
}

export interface VendorLimits {
  readonly windows: readonly RateWindow[];
  /** The windows `request` counts against; every window when absent. */
  windowsFor?(request: HttpRequest): readonly string[];
  /** Reads a response's rate-limit signals; undefined when it says nothing about them. */
  advise?(response: HttpResponse, request: HttpRequest, now: number): RateAdvice | undefined;
}

/** One window for every request: a connector whose vendor documents only a request rate. */
export function singleWindow(limit: { readonly requests: number; readonly intervalMs: number }): VendorLimits {
  return { windows: [{ name: 'requests', requests: limit.requests, intervalMs: limit.intervalMs }] };
}
