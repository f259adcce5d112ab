/**
 * What counts as a failure of one HTTP attempt, kept apart from what to do about it: this file
 * judges an attempt (a response or a network failure) into a {@link Verdict}; the policies in
 * policy.ts read only verdicts (cockatiel's `handleWhenResult`), never statuses.
 */
import type { TandemError } from '../errors.js';
import { TLS_ERROR_CODES } from './tls-errors.js';
import type { RateAdvice } from './vendor-limits.js';
import type { HttpRequest, HttpResponse } from './types.js';

export interface Verdict {
  /** Worth another attempt: a transient answer or network failure of a request safe to repeat. */
  readonly retry: boolean;
  /** Says the vendor is unwell (counts toward opening the circuit), not that the request is wrong. */
  readonly outage: boolean;
  /** The vendor asked for at least this long before the next attempt (Retry-After, a rate-limit window), ms. */
  readonly waitMs?: number;
  /** What `Retry-After` alone asked for, ms (a retry that would wait longer than the policy allows is not made). */
  readonly retryAfterMs?: number;
  /** The vendor refuses every request until this time (a daily quota): the circuit opens until then. */
  readonly exhaustedUntil?: number;
  readonly reason?: string;
}

/** One attempt's outcome: the policies never see a thrown network error, only this. */
export type Attempt = (
  | { readonly kind: 'response'; readonly response: HttpResponse; readonly verdict: Verdict }
  | { readonly kind: 'failed'; readonly error: TandemError; readonly verdict: Verdict }
) & {
  /** `METHOD url` with the query string redacted, for logs. */
  readonly request?: string;
};

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504, 521, 522, 524]);
const TRANSIENT_ERRORS = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRINUSE',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

const OK: Verdict = Object.freeze({ retry: false, outage: false });

/** GETs, and writes the caller marks idempotent, may be sent again. */
export function retrySafe(request: HttpRequest): boolean {
  return request.idempotent === true || request.method === 'GET';
}

/**
 * Reads `Retry-After` as seconds or as an HTTP date (RFC 9110 10.2.3); milliseconds to wait, or
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Judges a response, with the vendor's reading of its rate-limit signals when it has one. */
export function judgeResponse(
  request: HttpRequest,
  response: HttpResponse,
  advice: RateAdvice | undefined,
  now: number,
): Verdict {
  if (request.finalStatuses?.includes(response.status) === true) return OK;
  if (!TRANSIENT_STATUS.has(response.status)) return OK;
  if (advice?.exhaustedUntil !== undefined)
    return { retry: false, outage: true, exhaustedUntil: advice.exhaustedUntil, reason: advice.reason };
  const retryAfter = parseRetryAfter(response.headers['retry-after'], now);
  const hold = advice?.holdUntil === undefined ? undefined : Math.max(0, advice.holdUntil - now);
  const waitMs = retryAfter === undefined ? hold : Math.max(retryAfter, hold ?? 0);
  return {
    retry: retrySafe(request),
    outage: true,
    ...(waitMs === undefined ? {} : { waitMs }),
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    reason: advice?.reason ?? `HTTP ${response.status}`,
  };
}

// The caller gave up (an abort), or the answer was refused for its size: nothing says the vendor is down.
// A TLS refusal (tls-errors.ts) is our certificate or CA setting, not the vendor's health.
const NOT_OUTAGES = new Set(['ERR_ABORTED', 'ERR_CANCELED', 'RESPONSE_TOO_LARGE', ...TLS_ERROR_CODES]);

/** Judges a network failure by its code (got's `error.code`): transient ones are retried when safe. */
export function judgeError(request: HttpRequest, code: string): Verdict {
  return { retry: TRANSIENT_ERRORS.has(code) && retrySafe(request), outage: !NOT_OUTAGES.has(code), reason: code };
}
