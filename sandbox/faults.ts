/**
 * Fault injection for the sandbox servers, decided per request from knobs in the config: latency,
 * 5xx answers, 429s shaped like each vendor's (HubSpot: `policyName` and rate-limit headers, no Retry-After), connection resets, requests that hang past the client's
 * timeout, and "committed but the response was lost" (the server applies the write, then drops
 * the connection: the double-charge case), and batch writes where some inputs are rejected with a
 * transient error while the others are applied (HubSpot's 207 multi-status). Each server renders
 * faults in its vendor's shape.
 */
import type { FastifyRequest } from 'fastify';
import { prng } from './seed/random.js';

export interface FaultOptions {
  /** Added latency per request in ms (uniform in [0, latencyMs]). Default 0. */
  readonly latencyMs?: number;
  /** Share of requests answered with a 500, 502 or 503 (0..1). Default 0. */
  readonly errorRate?: number;
  /** Share of requests answered with 429, in the vendor's own shape (0..1). Default 0. */
  readonly rateLimitRate?: number;
  /** Share of requests whose connection is reset before they are handled. Default 0. */
  readonly resetRate?: number;
  /** Share of requests that hang for `hangMs`, then drop: a client timeout. Default 0. */
  readonly timeoutRate?: number;
  /** Share of write requests that are applied, then lose their response (the connection drops). Default 0. */
  readonly lostResponseRate?: number;
  /**
   * Share of the batch writes that reach the handler (no other fault hit them) answered with a
   * partial failure: some of their inputs are rejected with a transient error and not applied, the
   * others are applied. Rolled apart from the other faults, so it adds to their shares. Only servers
   * whose vendor answers per input (HubSpot's 207) act on it. Default 0.
   */
  readonly partialFailureRate?: number;
  /** How long a hanging request hangs before its connection drops, ms. Default 5,000. */
  readonly hangMs?: number;
  /**
   * HubSpot only: each write becomes visible to search after a delay drawn uniformly from
   * [0, searchIndexLagMs] ms (HubSpot's index lags by "a few moments", more under load, and not by
   * the same for every write: a later change can be searchable before an earlier one). GET and
   * batch read see the write at once. Default 0.
   */
  readonly searchIndexLagMs?: number;
  /**
   * Odoo only: a write's transaction stamps `write_date` when it starts, then commits (becomes
   * visible) after a delay drawn uniformly from [0, commitDelayMs] ms, as transactions of
   * different lengths do: a row can commit dated before rows already read. Default 0.
   */
  readonly commitDelayMs?: number;
  /** Seed for the fault PRNG, so a run is reproducible. Default 7. */
  readonly seed?: number;
}

export type FaultDecision =
  | { readonly kind: 'none'; readonly delayMs: number }
  | { readonly kind: 'server-error'; readonly status: 500 | 502 | 503; readonly delayMs: number }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number; readonly delayMs: number }
  | { readonly kind: 'reset'; readonly delayMs: number }
  | { readonly kind: 'timeout'; readonly hangMs: number; readonly delayMs: number }
  | { readonly kind: 'lost-response'; readonly delayMs: number };

/** A fault a server can act on. */
export type FaultKind = Exclude<FaultDecision['kind'], 'none'> | 'partial-failure';

/** Why an input of a partially failed batch was rejected: throttled, or an internal error. */
export type InputRejection = 'throttled' | 'internal';

export interface FaultInjector {
  decide(): FaultDecision;
  /**
   * Rolls the partial-failure fault for a batch of `count` inputs. When it hits (and counts itself),
   * picks the inputs to reject by index: each with a chance of one half, at least one, and never all
   * of a batch of two or more. Otherwise an empty map.
   */
  rejectInputs(count: number): ReadonlyMap<number, InputRejection>;
  /** Counts a fault the server acted on; a decision the request had no use for (a lost response on a read) is not one. */
  applied(kind: FaultKind): void;
  /** The faults acted on since start, by kind. */
  counts(): Readonly<Partial<Record<FaultKind, number>>>;
  /** The search-index lag of one write, uniform in [0, searchIndexLagMs]; 0 without the fault. */
  searchIndexLag(): number;
  /** The commit delay of one write's transaction, uniform in [0, commitDelayMs]; 0 without the fault. */
  commitDelay(): number;
}

export function createFaultInjector(
  options: FaultOptions = {},
  random: () => number = prng(options.seed ?? 7),
): FaultInjector {
  const latency = options.latencyMs ?? 0;
  const bands: [FaultDecision['kind'], number][] = [
    ['rate-limit', options.rateLimitRate ?? 0],
    ['server-error', options.errorRate ?? 0],
    ['reset', options.resetRate ?? 0],
    ['timeout', options.timeoutRate ?? 0],
    ['lost-response', options.lostResponseRate ?? 0],
  ];
  const acted: Partial<Record<FaultKind, number>> = {};
  return {
    applied(kind) {
      acted[kind] = (acted[kind] ?? 0) + 1;
    },
    counts: () => ({ ...acted }),
    searchIndexLag() {
      const max = options.searchIndexLagMs ?? 0;
      return max > 0 ? Math.floor(random() * (max + 1)) : 0;
    },
    commitDelay() {
      const max = options.commitDelayMs ?? 0;
      return max > 0 ? Math.floor(random() * (max + 1)) : 0;
    },
    decide() {
      const delayMs = latency > 0 ? Math.floor(random() * latency) : 0;
      let roll = random();
      for (const [kind, rate] of bands) {
        if (roll < rate) {
          switch (kind) {
            case 'rate-limit':
              return { kind, retryAfterSeconds: 1, delayMs };
            case 'server-error':
              return { kind, status: ([500, 502, 503] as const)[Math.floor(random() * 3)] ?? 500, delayMs };
            case 'timeout':
              return { kind, hangMs: options.hangMs ?? 5000, delayMs };
            case 'reset':
              return { kind: 'reset', delayMs };
            case 'lost-response':
              return { kind, delayMs };
          }
        }
        roll -= rate;
      }
      return { kind: 'none', delayMs };
    },
    rejectInputs(count) {
      const rejected = new Map<number, InputRejection>();
      if (count === 0 || (options.partialFailureRate ?? 0) <= 0 || random() >= (options.partialFailureRate ?? 0))
        return rejected;
      acted['partial-failure'] = (acted['partial-failure'] ?? 0) + 1;
      for (let i = 0; i < count; i++) if (random() < 0.5) rejected.set(i, random() < 0.5 ? 'throttled' : 'internal');
      if (rejected.size === 0) rejected.set(Math.floor(random() * count), 'throttled');
      if (count > 1 && rejected.size === count) rejected.delete(Math.floor(random() * count));
      return rejected;
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Drops the request's TCP connection without an answer: the client sees ECONNRESET or a hang-up. */
export function dropConnection(request: FastifyRequest): void {
  request.raw.socket.destroy();
}
