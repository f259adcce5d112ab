/**
 * Fault injection for the sandbox servers: latency, errors and rate limiting, decided per
 * request from knobs in the config. Each server renders the fault in its vendor's own shape.
 */
import { prng } from './seed.js';

export interface FaultOptions {
  /** Added latency per request in ms (uniform in [0, latencyMs]). Default 0. */
  readonly latencyMs?: number;
  /** Share of requests answered with a 5xx (0..1). Default 0. */
  readonly errorRate?: number;
  /** Share of requests answered with 429 and Retry-After (0..1). Default 0. */
  readonly rateLimitRate?: number;
  /** Seed for the fault PRNG, so a run is reproducible. Default 7. */
  readonly seed?: number;
}

export type FaultDecision =
  | { readonly kind: 'none'; readonly delayMs: number }
  | { readonly kind: 'server-error'; readonly status: 500 | 502 | 503; readonly delayMs: number }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds: number; readonly delayMs: number };

export interface FaultInjector {
  decide(): FaultDecision;
}

export function createFaultInjector(
  options: FaultOptions = {},
  random: () => number = prng(options.seed ?? 7),
): FaultInjector {
  const latency = options.latencyMs ?? 0;
  const errorRate = options.errorRate ?? 0;
  const rateLimitRate = options.rateLimitRate ?? 0;
  return {
    decide() {
      const delayMs = latency > 0 ? Math.floor(random() * latency) : 0;
      const roll = random();
      if (roll < rateLimitRate) return { kind: 'rate-limit', retryAfterSeconds: 1, delayMs };
      if (roll < rateLimitRate + errorRate) {
        const statuses = [500, 502, 503] as const;
        return { kind: 'server-error', status: statuses[Math.floor(random() * 3)] ?? 500, delayMs };
      }
      return { kind: 'none', delayMs };
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
