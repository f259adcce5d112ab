/**
 * The reading side's own clock, learnt from the `Date` header every HTTP server sends (RFC 9110
 * 6.6.1: an origin server with a clock MUST send it). A checkpoint must never pass the vendor's
 * "now": the daemon's clock and the vendor's may disagree, and only the vendor's stamps the records.
 *
 * The header has whole seconds and is written before the answer travels back, so the offset
 * learnt here is low by up to a second plus the network time: the clock errs early, which only
 * makes the next run re-read a little more.
 */
import type { HttpResponse, HttpTransport } from '../http/transport.js';

/** The vendor's clock as the engine estimates it. */
export interface ServerClock {
  /** The vendor's now in epoch ms: local time plus the offset last seen; local time until a `Date` header came. */
  now(): number;
  /** True once a `Date` header was read. */
  known(): boolean;
  /** Learns the offset from a response's headers; a missing or unreadable `Date` is ignored. */
  observe(headers: HttpResponse['headers']): void;
}

/** A clock that starts at local time; `local` is injectable for tests. */
export function createServerClock(local: () => number = Date.now): ServerClock {
  let offset: number | undefined;
  return {
    now: () => local() + (offset ?? 0),
    known: () => offset !== undefined,
    observe(headers) {
      const raw = headers['date'];
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (value === undefined) return;
      const at = Date.parse(value);
      if (!Number.isNaN(at)) offset = at - local();
    },
  };
}

/** `transport`, with every response's `Date` header fed to `clock`. */
export function withServerClock(transport: HttpTransport, clock: ServerClock): HttpTransport {
  return {
    async request(request) {
      const response = await transport.request(request);
      clock.observe(response.headers);
      return response;
    },
  };
}
