/** `tandem run <sync>` and `tandem backfill <sync> [--since DATE] [--restart]`: one run, then exit. */
import type { Backfill, StateStore } from '../../../state/index.js';
import { isTandemError, TandemError } from '../../errors.js';
import { checkBackfillRequest, type BackfillProgress, type BackfillSummary } from '../../pipeline/backfill.js';
import { createProgressRenderer, type ProgressStream } from '../progress.js';
import { parseSince } from '../../pipeline/since.js';
import { SyncRunner } from '../../control/sync-runner.js';
import type { RunKind, RunStats } from '../../pipeline/context.js';
import { dependenciesOf } from '../../control/order.js';
import { EXIT_OK, EXIT_RUN_FAILED } from '../exit-codes.js';
import { describeRun, type Output } from '../output.js';
import { describeChange, describeTotals, planTotals } from '../plan.js';
import { planSync } from '../../pipeline/dry-run.js';
import type { PlannedChange } from '../../pipeline/plan-writes.js';
import type { App } from '../../app.js';
import { checkMappedFields, findSync, openForCommand, untilSignal } from './common.js';
import { holdCommandLeases, type WaitFlag } from './leases.js';
import type { LeaseKeeper } from '../../leases/keeper.js';

interface RunFlags {
  readonly config: string;
  readonly json?: boolean;
  readonly since?: string;
  /** Backfill: supersede an unfinished backfill and start over. */
  readonly restart?: boolean;
  /** Plan and print; write nothing to either system (nor to the state store). */
  readonly dryRun?: boolean;
  /** Wait for the sync's lease when another process holds it (seconds as a string: at most that long). */
  readonly wait?: WaitFlag;
}

/** Where the backfill's progress goes (stderr); tests inject their own. */
export interface ProgressSink {
  readonly stream: ProgressStream;
  readonly intervalMs?: number;
}

export function runCommand(syncName: string, flags: RunFlags, out: Output): Promise<number> {
  return runOnce(syncName, 'incremental', flags, out);
}

/**
 * `tandem backfill`: resumes the sync's unfinished backfill (and says so), or starts one; shows its
 * progress on stderr (a bar on a terminal, plain lines otherwise).
 */
export function backfillCommand(
  syncName: string,
  flags: RunFlags,
  out: Output,
  sink: ProgressSink = { stream: process.stderr },
): Promise<number> {
  return runOnce(syncName, 'backfill', flags, out, sink);
}

async function runOnce(
  syncName: string,
  kind: RunKind,
  flags: RunFlags,
  out: Output,
  sink?: ProgressSink,
): Promise<number> {
  const since = flags.since === undefined ? undefined : parseSince(flags.since);
  if (flags.dryRun === true) return dryRunOnce(syncName, kind, since, flags, out);
  const restart = flags.restart === true;
  const controller = new AbortController();
  const signals = untilSignal(controller);
  // One writer per sync: this run and the syncs it runs first, or none of them.
  let keeper: LeaseKeeper | undefined;
  let app: App;
  try {
    app = await openForCommand(flags.config, {
      sync: syncName,
      beforeConnect: async (opened) => {
        const purpose = kind === 'backfill' ? 'backfill' : 'run';
        const options = { purpose, withDependencies: true, wait: flags.wait, signal: controller.signal } as const;
        keeper = await holdCommandLeases(opened, syncName, options, out);
      },
    });
  } catch (error) {
    signals.dispose();
    throw error;
  }
  const progress = kind === 'backfill' ? progressRenderer(sink) : undefined;
  try {
    const sync = findSync(app, syncName);
    // Every mapped field of this sync and those run before it exists on the live connectors. A
    // vendor that cannot be described now is named, and the run goes on to meet the outage itself:
    // it is recorded (failed, or paused by the breaker) and exits 1, with its JSON, as any run would.
    await checkMappedFields(app, [...dependenciesOf(app.syncs, syncName), syncName], (unreachable) => {
      for (const problem of unreachable) out.error(`mapped fields not checked: ${problem}`);
    });
    const storeOf = (name: string): StateStore => {
      const store = keeper?.storeFor(name);
      if (store === undefined) throw new Error(`the lease of "${name}" was taken but is not held`);
      return store;
    };
    if (kind === 'backfill') await announceResume(app.store, sync.name, since, restart, out);
    // Syncs this one references (companies for contacts) run first, incrementally.
    const before = await runDependencies(app, syncName, storeOf, controller.signal);
    const runner = new SyncRunner({
      sync,
      store: storeOf(sync.name),
      logger: app.logger,
      signal: controller.signal,
      ...(progress === undefined ? {} : { onProgress: (p: BackfillProgress) => progress.update(p) }),
    });
    const stats = await runner.trigger(kind, since, restart);
    progress?.stop();
    return report(before, stats, flags, out);
  } finally {
    progress?.stop();
    signals.dispose();
    await keeper?.releaseAll();
    await app.close();
  }
}

function progressRenderer(sink: ProgressSink | undefined): ReturnType<typeof createProgressRenderer> | undefined {
  if (sink === undefined) return undefined;
  return createProgressRenderer({
    stream: sink.stream,
    ...(sink.intervalMs === undefined ? {} : { intervalMs: sink.intervalMs }),
  });
}

/** Says which unfinished backfill this one resumes; one that `--since` would drop is a usage error. */
async function announceResume(
  store: StateStore,
  sync: string,
  since: string | undefined,
  restart: boolean,
  out: Output,
): Promise<void> {
  let unfinished: Backfill | undefined;
  try {
    unfinished = await checkBackfillRequest(store, sync, since, restart);
  } catch (error) {
    if (isTandemError(error) && error.code === 'BACKFILL_UNFINISHED') throw new TandemError('USAGE', error.message);
    throw error;
  }
  if (unfinished !== undefined) out.error(describeResume(unfinished));
}

/** One incremental run of each sync `syncName` references, in order. */
async function runDependencies(
  app: App,
  syncName: string,
  storeOf: (name: string) => StateStore,
  signal: AbortSignal,
): Promise<RunStats[]> {
  const before: RunStats[] = [];
  for (const dep of dependenciesOf(app.syncs, syncName)) {
    const depSync = app.syncs[dep];
    if (depSync === undefined) continue;
    before.push(
      await new SyncRunner({ sync: depSync, store: storeOf(dep), logger: app.logger, signal }).trigger('incremental'),
    );
  }
  return before;
}

/** Prints the runs (JSON or lines) and returns the exit code: 1 when any failed or was paused by its breaker. */
function report(before: readonly RunStats[], stats: RunStats, flags: RunFlags, out: Output): number {
  const dependencies = before.map((d) => ({ sync: d.sync, status: d.status, written: d.written, failed: d.failed }));
  if (flags.json === true) out.json({ ...stats, dependencies });
  else for (const s of [...before, stats]) out.line(describeRun(s));
  if (flags.json !== true && stats.backfill !== undefined) out.line(describeBackfill(stats.backfill));
  const failed = [...before, stats].some((s) => s.status === 'failed' || s.status === 'paused');
  return failed ? EXIT_RUN_FAILED : EXIT_OK;
}

/**
 * `--dry-run`: the syncs this one references, then this one, planned and printed page by page;
 * nothing is committed, delivered or recorded.
 */
async function dryRunOnce(
  syncName: string,
  kind: RunKind,
  since: string | undefined,
  flags: RunFlags,
  out: Output,
): Promise<number> {
  const app = await openForCommand(flags.config, { persistBreakers: false, sync: syncName });
  const controller = new AbortController();
  const signals = untilSignal(controller);
  try {
    const sync = findSync(app, syncName);
    await checkMappedFields(app, [...dependenciesOf(app.syncs, syncName), syncName]);
    const plans = [];
    for (const name of [...dependenciesOf(app.syncs, syncName), syncName]) {
      const def = app.syncs[name];
      if (def === undefined) continue;
      const own = name === syncName;
      const changes: PlannedChange[] = [];
      const totals = planTotals([]);
      if (flags.json !== true)
        out.line(`${name}: ${own ? kind : 'incremental'} plan (dry run: nothing is written to either system)`);
      const outcome = await planSync(
        { sync: def, store: app.store, logger: app.logger, signal: controller.signal },
        own ? { kind, ...(since === undefined ? {} : { since }) } : { kind: 'incremental' },
        (page) => {
          planTotals(page, totals);
          if (flags.json === true) changes.push(...page);
          else for (const change of page) out.line(describeChange(change));
        },
      );
      plans.push({ sync: name, status: outcome.stats.status, plan: totals, stats: outcome.stats, changes });
      if (flags.json !== true) {
        out.line(`${name}: ${describeTotals(totals)}`);
        const s = outcome.stats;
        out.line(
          `  pulled crm=${s.pulled.crm} erp=${s.pulled.erp}, unchanged ${s.skipped}, conflicts ${s.conflicts}, waiting ${s.waiting}, ambiguous ${s.ambiguous}, dead letters ${s.deadLettered}, already in the outbox ${outcome.pendingBefore}`,
        );
      }
    }
    if (flags.json === true) {
      const own = plans[plans.length - 1];
      out.json({ dryRun: true, sync: sync.name, kind, ...own, dependencies: plans.slice(0, -1) });
    }
    return EXIT_OK;
  } finally {
    signals.dispose();
    await app.close();
  }
}

/** `resuming backfill #3 of contacts (since 2024-01-01T00:00:00.000Z, started ..., interrupted): crm from ...`. */
export function describeResume(b: Backfill): string {
  const sides = (['crm', 'erp'] as const)
    .filter((side) => b.sides[side].pulled > 0 || b.sides[side].cursor !== null || b.sides[side].done)
    .map((side) => {
      const s = b.sides[side];
      if (s.done) return `${side} done (${s.pulled} pulled)`;
      return `${side} from ${s.cursor === null ? 'the start' : `${s.cursor.modifiedAt}${s.cursor.lastId === null ? '' : ` id ${s.cursor.lastId}`}`} (${s.pulled} pulled)`;
    });
  return (
    `resuming backfill #${b.id} of ${b.sync} (since ${b.since ?? 'the beginning'}, started ${b.startedAt}, ${b.state}` +
    `${b.error === null ? '' : `: ${b.error}`}): ${sides.length === 0 ? 'nothing read yet' : sides.join(', ')}; --restart starts over`
  );
}

function describeBackfill(b: BackfillSummary): string {
  return `backfill #${b.id} ${b.state}${b.resumed ? ' (resumed)' : ''}: pulled crm=${b.pulled.crm} erp=${b.pulled.erp}, written crm=${b.written.crm} erp=${b.written.erp} over all its runs`;
}
