/**
 * Runs one sync with no overlap: a trigger while a run is in flight joins that run instead of
 * starting a second one. Aborting the shared signal lets the page in hand finish, then stops.
 */
import type { Logger } from '../logger.js';
import type { BackfillProgress } from '../pipeline/backfill.js';
import { emptyStats, type RunKind, type RunStats, type SyncDefinition } from '../pipeline/context.js';
import { runSync } from '../pipeline/run-sync.js';
import type { StateStore } from '../../state/index.js';
import { describeError } from '../errors.js';
import { describeHolder } from '../leases/describe.js';
import type { GateEntry, LeaseGate } from '../leases/gate.js';

export interface SyncRunnerOptions {
  readonly sync: SyncDefinition;
  readonly store: StateStore;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** A backfill's progress, after it starts and after every page. */
  readonly onProgress?: (progress: BackfillProgress) => void;
  /**
   * The daemon's leases: each run writes through the sync's lease-fenced store, and is skipped
   * (status `skipped`) while another process holds the sync. Absent: runs use `store` as it is
   * (a command that took its leases first, or a test).
   */
  readonly gate?: LeaseGate;
}

export class SyncRunner {
  private inFlight: Promise<RunStats> | undefined;

  constructor(private readonly options: SyncRunnerOptions) {}

  get name(): string {
    return this.options.sync.name;
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * Starts a run, or returns the one in flight. Never rejects: failures are in the stats.
   * `restart`: a backfill supersedes an unfinished one instead of resuming it.
   */
  trigger(kind: RunKind = 'incremental', since?: string, restart = false): Promise<RunStats> {
    if (this.inFlight !== undefined) {
      this.options.logger.debug({ sync: this.name }, 'run already in flight; joining it');
      return this.inFlight;
    }
    const { sync, signal } = this.options;
    // Stopping: a run that has not started yet does not start (the store may be closing).
    if (signal.aborted) return Promise.resolve({ ...emptyStats(sync.name, kind), status: 'interrupted' });
    const run = this.start(kind, since, restart).finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  private async start(kind: RunKind, since: string | undefined, restart: boolean): Promise<RunStats> {
    const { sync, store, logger, signal, onProgress, gate } = this.options;
    let entry: GateEntry = { store };
    try {
      if (gate !== undefined) entry = await gate.enter(sync.name);
    } catch (error) {
      const message = describeError(error);
      logger.error({ sync: sync.name, error: message }, 'lease check failed; run not started');
      return { ...emptyStats(sync.name, kind), status: 'failed', error: message };
    }
    if ('holder' in entry) {
      const error = `run skipped: ${sync.name} is held by ${describeHolder(entry.holder)}`;
      logger.info({ sync: sync.name, kind, holder: entry.holder.owner }, error);
      return { ...emptyStats(sync.name, kind), status: 'skipped', error };
    }
    return runSync(
      { sync, store: entry.store, logger, signal, ...(onProgress === undefined ? {} : { onProgress }) },
      { kind, restart, ...(since === undefined ? {} : { since }) },
    );
  }

  /** Resolves when no run is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight.catch(() => undefined);
  }
}
