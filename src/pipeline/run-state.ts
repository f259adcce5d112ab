/**
 * What one run keeps while it goes, besides its figures: created with the run and dropped with it,
 * so nothing about a run outlives it in a module (no table keyed by the run's stats).
 */
import type { RunStats } from './context.js';

/** One run's figures and the bookkeeping behind them; made by {@link startRunState} per run. */
export interface RunState {
  /** The figures the run reports (`tandem run --json`, the runs table). */
  readonly stats: RunStats;
  /**
   * Operations that failed retryably during this run. They are tried again after the next page (a
   * transient fault has often passed by then), but one run spends at most one attempt on each:
   * `maxAttempts` counts runs, so a long run cannot use up an operation's attempts in a minute.
   */
  readonly failed: Set<number>;
  /** Re-plans of stale writes this run, per `side:sourceId` (bounded by MAX_REPLANS_PER_RUN). */
  readonly replans: Map<string, number>;
  /**
   * Idempotency keys of creates planned in this run whose reference the counterpart lookup found on
   * no record at all: their first delivery in this run may skip the writer's own lookup
   * (`UpsertOperation.refAbsent`). A key leaves the set when it is sent.
   */
  readonly absentRefs: Set<string>;
  /** The references (`object, field, value`) of every create sent this run: sent once, never absent again. */
  readonly sentRefs: Set<string>;
}

/** A fresh state for a run that reports into `stats`. */
export function startRunState(stats: RunStats): RunState {
  return {
    stats,
    failed: new Set<number>(),
    replans: new Map<string, number>(),
    absentRefs: new Set<string>(),
    sentRefs: new Set<string>(),
  };
}
