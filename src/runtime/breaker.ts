/**
 * One circuit breaker per connector (cockatiel), the outermost layer of the connector's request
 * policy (src/http/policy.ts): after `failures` consecutive outage attempts (network failures,
 * 5xx and 429 that outlived their retries, as verdict.ts judges them) the circuit opens, requests
 * fail at once without reaching the vendor, and after `halfOpenAfterMs` one probe decides whether
 * it closes again. A rejected record (a 4xx) is not the vendor's fault and does not count. A used-up
 * quota (HubSpot's DAILY limit) trips the circuit open at once, until the quota resets.
 * The state is saved in the state store on every change (cockatiel's own `toJSON()`), so a restart
 * does not forget an outage.
 */
import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  handleWhenResult,
  isBrokenCircuitError,
  type CircuitBreakerPolicy,
  type IBreaker,
} from 'cockatiel';
import type { CircuitHandle } from '../http/policy.js';
import { isOutageAttempt } from '../http/policy.js';
import { TransportError, VendorError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface BreakerSettings {
  /** Consecutive outage attempts that open the circuit. Default 5. */
  readonly failures: number;
  /** How long the circuit stays open before one probe call. Default 30 s. */
  readonly halfOpenAfterMs: number;
}

export type CircuitName = 'closed' | 'open' | 'half-open' | 'isolated';

/** What the engine sees of a connector's breaker. */
export interface Circuit extends CircuitHandle {
  readonly policy: CircuitBreakerPolicy;
  state(): CircuitName;
}

export interface BreakerPersistence {
  readonly initialState: unknown;
  save(circuit: CircuitName, state: unknown): Promise<void>;
}

/** True for a thrown error that says the vendor is unwell (for calls run through the circuit outside the transport). */
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

/** ConsecutiveBreaker, except that a trip in force opens the circuit at the first failure. Same saved state. */
class TrippableBreaker implements IBreaker {
  constructor(
    private readonly inner: ConsecutiveBreaker,
    private readonly tripped: () => boolean,
  ) {}
  get state(): unknown {
    return this.inner.state;
  }
  set state(value: unknown) {
    this.inner.state = typeof value === 'number' ? value : 0;
  }
  success(): void {
    this.inner.success();
  }
  failure(): boolean {
    const opens = this.inner.failure();
    return this.tripped() || opens;
  }
}

export function createCircuit(
  connector: string,
  settings: BreakerSettings,
  persistence: BreakerPersistence | undefined,
  logger: Logger,
): Circuit {
  let trip: { until: number; reason: string } | undefined;
  const tripped = (): { until: number; reason: string } | undefined =>
    trip !== undefined && trip.until > Date.now() ? trip : undefined;
  const policy = circuitBreaker(handleWhenResult(isOutageAttempt).orWhen(isOutage), {
    // Open for the usual pause, or until the used-up quota resets.
    halfOpenAfter: new DelegateBackoff(() => Math.max(settings.halfOpenAfterMs, (tripped()?.until ?? 0) - Date.now())),
    breaker: new TrippableBreaker(new ConsecutiveBreaker(settings.failures), () => tripped() !== undefined),
    ...(persistence?.initialState === undefined ? {} : { initialState: persistence.initialState }),
  });
  policy.onStateChange((state) => {
    const name = circuitName(state);
    const level = state === CircuitState.Open ? 'warn' : 'info';
    const reason = state === CircuitState.Open ? tripped()?.reason : undefined;
    logger[level]({ connector, circuit: name, ...(reason === undefined ? {} : { reason }) }, `circuit ${name}`);
    persistence
      ?.save(name, policy.toJSON())
      .catch((error: unknown) => logger.error({ connector, err: error }, 'could not save the circuit state'));
  });
  return {
    policy,
    state: () => circuitName(policy.state),
    trip(until, reason) {
      trip = { until, reason };
    },
    tripped,
  };
}

export { isBrokenCircuitError };
