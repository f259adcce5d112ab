/**
 * One circuit breaker per connector (cockatiel): after `failures` consecutive outage errors
 * (network failures, 5xx and 429 that outlived their retries) the circuit opens, calls fail at
 * once without reaching the vendor, and after `halfOpenAfterMs` one probe call decides whether it
 * closes again. A validation error is the record's fault, not the vendor's, and does not count.
 * The state is saved in the state store on every change, so a restart does not forget an outage.
 */
import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  isBrokenCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { TransportError, VendorError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface BreakerSettings {
  /** Consecutive outage errors that open the circuit. Default 5. */
  readonly failures: number;
  /** How long the circuit stays open before one probe call. Default 30 s. */
  readonly halfOpenAfterMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = Object.freeze({ failures: 5, halfOpenAfterMs: 30_000 });

export type CircuitName = 'closed' | 'open' | 'half-open' | 'isolated';

/** What the engine sees of a connector's breaker. */
export interface Circuit {
  readonly policy: CircuitBreakerPolicy;
  state(): CircuitName;
}

export interface BreakerPersistence {
  readonly initialState: unknown;
  save(circuit: CircuitName, state: unknown): Promise<void>;
}

/** True for errors that say the vendor is unwell, not that a record is wrong. */
export function isOutage(error: unknown): boolean {
  if (error instanceof TransportError) return true;
  if (error instanceof VendorError) return error.retryable;
  return false;
}

export function circuitName(state: CircuitState): CircuitName {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      return 'isolated';
  }
}

export function createCircuit(
  connector: string,
  settings: BreakerSettings,
  persistence: BreakerPersistence | undefined,
  logger: Logger,
): Circuit {
  const policy = circuitBreaker(handleWhen(isOutage), {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.failures),
    ...(persistence?.initialState === undefined ? {} : { initialState: persistence.initialState }),
  });
  policy.onStateChange((state) => {
    const name = circuitName(state);
    const level = state === CircuitState.Open ? 'warn' : 'info';
    logger[level]({ connector, circuit: name }, `circuit ${name}`);
    persistence
      ?.save(name, policy.toJSON())
      .catch((error: unknown) => logger.error({ connector, err: error }, 'could not save the circuit state'));
  });
  return { policy, state: () => circuitName(policy.state) };
}

export { isBrokenCircuitError };
