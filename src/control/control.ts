/**
 * Runs syncs on request, whoever asks (the schedule, a webhook, the control API): one
 * {@link SyncRunner} per sync, so runs of one sync never overlap. Webhook requests are coalesced:
 * while a run is in flight, at most one more is queued behind it, however many events arrive,
 * so a change that arrived after the run read its page is still picked up. Paused syncs are
 * skipped by the schedule and webhooks, never by an operator's explicit request.
 */
import { TandemError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RunKind, RunStats, SyncDefinition } from '../pipeline/context.js';
import type { LeaseGate } from '../leases/gate.js';
import { dependenciesOf } from './order.js';
import { SyncRunner } from './sync-runner.js';
import type { StateStore } from '../../state/index.js';
import { readPaused, writePaused } from './pause-file.js';
import { reloadEntry } from './reload.js';
import type { SyncEntry } from '../config/load.js';

/** Who asked for a run: a label on the run metrics and log lines. */
export type RunTrigger = 'start' | 'schedule' | 'webhook' | 'api';

export interface ControlOptions {
  readonly syncs: readonly SyncDefinition[];
  readonly store: StateStore;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly dataDir: string;
  /** The daemon's leases: each run writes through its sync's fenced store, or is skipped. */
  readonly gate?: LeaseGate;
  /** Called once per finished run (a joined run is reported once). */
  readonly onRunFinished?: (sync: SyncDefinition, stats: RunStats, trigger: RunTrigger) => void;
}

export class SyncControl {
  private readonly runners = new Map<string, SyncRunner>();
  private readonly definitions = new Map<string, SyncDefinition>();
  private readonly queued = new Map<string, Promise<RunStats>>();
  private readonly observed = new WeakSet<Promise<RunStats>>();
  private readonly paused: Set<string>;
  /** Runs waiting for their dependencies: `idle()` waits for them too. */
  private readonly chains = new Set<Promise<RunStats>>();
  /** Backfills requested and not finished, per sync. */
  private readonly backfills = new Map<string, number>();

  constructor(private readonly options: ControlOptions) {
    for (const sync of options.syncs) {
      this.definitions.set(sync.name, sync);
      this.runners.set(sync.name, new SyncRunner({ ...options, sync }));
    }
    this.paused = readPaused(options.dataDir);
  }

  get names(): string[] {
    return [...this.runners.keys()];
  }

  has(sync: string): boolean {
    return this.runners.has(sync);
  }

  isPaused(sync: string): boolean {
    return this.paused.has(sync);
  }

  isRunning(sync: string): boolean {
    return this.runners.get(sync)?.busy ?? false;
  }

  /** True while a backfill of `sync` is in flight here, or queued behind another run. */
  isBackfilling(sync: string): boolean {
    return (this.backfills.get(sync) ?? 0) > 0;
  }

  definition(sync: string): SyncDefinition {
    const definition = this.definitions.get(sync);
    if (definition === undefined) throw new TandemError('USAGE', `no sync named "${sync}"`, { sync });
    return definition;
  }

  /** The scheduler's request: skipped while paused. */
  async scheduled(sync: string, trigger: RunTrigger = 'schedule'): Promise<RunStats | undefined> {
    if (this.paused.has(sync)) {
      this.options.logger.info({ sync, trigger }, 'sync paused; run skipped');
      return undefined;
    }
    return this.run(sync, 'incremental', undefined, trigger);
  }

  /** Starts a run, or joins the one in flight (`joined`). `restart`: a backfill starts over. */
  start(
    sync: string,
    kind: RunKind,
    since: string | undefined,
    trigger: RunTrigger,
    restart = false,
  ): { run: Promise<RunStats>; joined: boolean } {
    const runner = this.runner(sync);
    const joined = runner.busy;
    if (kind !== 'backfill') return { run: this.run(sync, kind, since, trigger), joined };
    this.backfills.set(sync, (this.backfills.get(sync) ?? 0) + 1);
    // A backfill must not be swallowed by an incremental run in flight: it waits its turn.
    const run = joined
      ? runner.idle().then(() => this.run(sync, kind, since, trigger, restart))
      : this.run(sync, kind, since, trigger, restart);
    void run.finally(() => this.backfills.set(sync, (this.backfills.get(sync) ?? 1) - 1)).catch(() => undefined);
    return { run, joined };
  }

  /**
   * A webhook event for `connector`: a run of every enabled, unpaused sync that uses it, now, or
   * once after the run in flight. Returns the syncs asked to run.
   */
  webhook(connector: string): string[] {
    const targets = [...this.definitions.values()].filter(
      (s) => s.config.enabled && (s.crm.name === connector || s.erp.name === connector) && !this.paused.has(s.name),
    );
    for (const sync of targets) {
      const runner = this.runner(sync.name);
      if (!runner.busy) {
        void this.run(sync.name, 'incremental', undefined, 'webhook');
      } else if (!this.queued.has(sync.name)) {
        const next = runner.idle().then(() => {
          this.queued.delete(sync.name);
          return this.run(sync.name, 'incremental', undefined, 'webhook');
        });
        this.queued.set(sync.name, next);
      }
    }
    return targets.map((s) => s.name);
  }

  /**
   * SIGHUP: each running sync takes the reloadable keys of its reloaded entry (see
   * `RELOADED_SYNC_KEYS`), so webhooks, readiness and drift reports read the live value from
   * here. Syncs missing from `syncs` keep running as they are; new ones need a restart.
   * Returns, per sync, what changed and was applied, and what changed but needs a restart.
   */
  reconfigure(
    syncs: Readonly<Record<string, SyncEntry>>,
  ): Record<string, { applied: readonly string[]; needRestart: readonly string[] }> {
    const changes: Record<string, { applied: readonly string[]; needRestart: readonly string[] }> = {};
    for (const [name, definition] of this.definitions) {
      const after = syncs[name];
      if (after === undefined) continue;
      const { entry, applied, needRestart } = reloadEntry(definition.config, after);
      if (applied.length === 0 && needRestart.length === 0) continue;
      this.definitions.set(name, { ...definition, config: entry });
      changes[name] = { applied, needRestart };
    }
    return changes;
  }

  setPaused(sync: string, paused: boolean): void {
    this.runner(sync);
    if (paused) this.paused.add(sync);
    else this.paused.delete(sync);
    writePaused(this.options.dataDir, this.paused);
    this.options.logger.info({ sync }, paused ? 'sync paused' : 'sync resumed');
  }

  /** Resolves when no run is in flight or queued. */
  async idle(): Promise<void> {
    await Promise.all([...this.queued.values(), ...this.chains].map((p) => p.catch(() => undefined)));
    await Promise.all([...this.runners.values()].map((r) => r.idle()));
  }

  /** Runs the syncs `sync` depends on first, in dependency order (companies before contacts), then `sync`. */
  private run(
    sync: string,
    kind: RunKind,
    since: string | undefined,
    trigger: RunTrigger,
    restart = false,
  ): Promise<RunStats> {
    const deps = this.runner(sync).busy
      ? []
      : dependenciesOf(Object.fromEntries(this.definitions), sync).filter((d) => this.runners.has(d));
    if (deps.length === 0) return this.runOnly(sync, kind, since, trigger, restart);
    const chain = (async () => {
      for (const dep of deps) await this.runOnly(dep, 'incremental', undefined, trigger);
      return this.runOnly(sync, kind, since, trigger, restart);
    })();
    this.chains.add(chain);
    void chain.finally(() => this.chains.delete(chain)).catch(() => undefined);
    return chain;
  }

  private runOnly(
    sync: string,
    kind: RunKind,
    since: string | undefined,
    trigger: RunTrigger,
    restart = false,
  ): Promise<RunStats> {
    const run = this.runner(sync).trigger(kind, since, restart);
    if (!this.observed.has(run)) {
      this.observed.add(run);
      const definition = this.definitions.get(sync);
      void run.then((stats) => {
        if (definition !== undefined) this.options.onRunFinished?.(definition, stats, trigger);
      });
    }
    return run;
  }

  private runner(sync: string): SyncRunner {
    const runner = this.runners.get(sync);
    if (runner === undefined) throw new TandemError('USAGE', `no sync named "${sync}"`, { sync });
    return runner;
  }
}
