/**
 * A backfill's own bookkeeping around a run: resume the unfinished one (or start one), count what
 * is left for an ETA, record each page's cursor and figures, and finish it. The incremental
 * checkpoint is not touched here; run-sync.ts keeps it from moving backwards.
 */
import type { Cursor } from '../../connectors/types.js';
import type { Backfill, BackfillState, Side, StateStore } from '../../state/index.js';
import { describeError, TandemError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RunOptions, RunStats, SyncDefinition } from './context.js';
import { connectorOf, objectOf, sidesOf } from './sides.js';
import { progressOf, type BackfillProgress, type BackfillSummary } from './backfill-progress.js';

export { sidesOf } from './sides.js';
export {
  progressOf,
  type BackfillProgress,
  type BackfillSideProgress,
  type BackfillSummary,
} from './backfill-progress.js';

/**
 * Refuses a request that would silently drop an unfinished backfill: another `since` without
 * `restart`. Returns the unfinished backfill that a run would resume, if any.
 */
export async function checkBackfillRequest(
  store: StateStore,
  sync: string,
  since: string | undefined,
  restart: boolean,
): Promise<Backfill | undefined> {
  const unfinished = await store.backfills.unfinished(sync);
  if (unfinished === undefined || restart) return undefined;
  if (since !== undefined && since !== unfinished.since) throw unfinishedConflict(unfinished, since);
  return unfinished;
}

function unfinishedConflict(unfinished: Backfill, since: string | null): TandemError {
  return new TandemError(
    'BACKFILL_UNFINISHED',
    `backfill #${unfinished.id} of ${unfinished.sync} since ${unfinished.since ?? 'the beginning'} is unfinished (${unfinished.state}); ` +
      `run it again without --since (or with the same) to resume it, or add --restart to start over from ${since ?? 'the beginning'}`,
    { sync: unfinished.sync, backfill: unfinished.id, since: unfinished.since },
  );
}

/** A backfill in progress inside one run. */
export class BackfillSession {
  private constructor(
    private readonly store: StateStore,
    private readonly sync: SyncDefinition,
    private readonly sides: readonly Side[],
    private readonly now: () => number,
    private current: Backfill,
    readonly resumed: boolean,
    private readonly onProgress: ((progress: BackfillProgress) => void) | undefined,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
  ) {
    this.base = current;
    this.resumedFrom = Object.fromEntries(sides.map((s) => [s, current.sides[s].cursor]));
  }

  /** The figures before this session: the session's stats are added to them. */
  private readonly base: Backfill;
  private readonly counted = new Set<Side>();
  private ready = false;
  readonly resumedFrom: Partial<Record<Side, Cursor | null>>;

  /** Resumes the sync's unfinished backfill, or starts one; counts what is left where the connectors can. */
  static async begin(
    store: StateStore,
    sync: SyncDefinition,
    options: RunOptions,
    logger: Logger,
    signal: AbortSignal,
    onProgress?: (progress: BackfillProgress) => void,
    now: () => number = Date.now,
  ): Promise<BackfillSession> {
    const start = await store.backfills.begin({
      sync: sync.name,
      since: options.since,
      restart: options.restart === true,
    });
    if (start.outcome === 'conflict') throw unfinishedConflict(start.unfinished, options.since ?? null);
    const sides = sidesOf(sync);
    const backfill = start.backfill;
    if (start.outcome === 'resumed') {
      logger.info(
        {
          backfill: backfill.id,
          since: backfill.since,
          resumes: backfill.resumes,
          from: Object.fromEntries(sides.map((s) => [s, backfill.sides[s].done ? 'done' : backfill.sides[s].cursor])),
        },
        'backfill resumed',
      );
    } else {
      if (start.superseded !== null) logger.info({ backfill: start.superseded.id }, 'backfill superseded (restart)');
      logger.info({ backfill: backfill.id, since: backfill.since }, 'backfill started');
    }
    const session = new BackfillSession(
      store,
      sync,
      sides,
      now,
      backfill,
      start.outcome === 'resumed',
      onProgress,
      logger,
      signal,
    );
    // Every side is counted now, so that the first figures have a total where they can; the
    // first side to read is then fresh, the others are counted again just before they are read.
    const pending = sides.filter((side) => !backfill.sides[side].done);
    for (const side of pending) await session.recount(side);
    session.ready = true;
    session.emit();
    session.counted.clear();
    if (pending[0] !== undefined) session.counted.add(pending[0]);
    return session;
  }

  /**
   * Before reading `side`: counts what is left from its cursor (or `since`) unless that was just
   * done, so that the writes this backfill made to it already count.
   */
  async count(side: Side): Promise<void> {
    if (this.counted.has(side)) return;
    await this.recount(side);
  }

  /** Sets the side's total to what it pulled plus what its connector counts as left (null when it cannot). */
  private async recount(side: Side): Promise<void> {
    const state = this.current.sides[side];
    if (state.done) return;
    this.counted.add(side);
    const from = state.cursor?.modifiedAt ?? this.current.since;
    const left = await countLeft(this.sync, side, from, this.logger, this.signal);
    await this.store.backfills.setTotals(this.current.id, { [side]: left === null ? null : state.pulled + left });
    await this.refresh();
  }

  get id(): number {
    return this.current.id;
  }

  /** Where `side` reads from: its resumed cursor, or `since`; undefined when it was read to its end. */
  startFor(side: Side): Cursor | null | undefined {
    const state = this.current.sides[side];
    if (state.done) return undefined;
    if (state.cursor !== null) return state.cursor;
    return this.current.since === null ? null : { modifiedAt: this.current.since, lastId: null };
  }

  /** A page's operations are in the outbox (and delivered, as far as they could be): move its cursor. */
  async page(side: Side, cursor: Cursor, stats: RunStats): Promise<void> {
    await this.store.backfills.savePage(this.current.id, {
      side,
      cursor,
      pulled: this.base.sides[side].pulled + stats.pulled[side],
      written: this.written(stats),
    });
    await this.refresh();
  }

  async sideDone(side: Side): Promise<void> {
    await this.store.backfills.sideDone(this.current.id, side);
    await this.refresh();
  }

  /** Ends the session: `done` once every side was read to its end; otherwise resumable. */
  async finish(stats: RunStats): Promise<BackfillSummary> {
    const complete = this.sides.every((s) => this.current.sides[s].done);
    const state: Exclude<BackfillState, 'running'> = complete
      ? 'done'
      : stats.status === 'paused'
        ? 'paused'
        : stats.status === 'interrupted'
          ? 'interrupted'
          : 'failed';
    const error = state === 'done' ? null : (stats.error ?? (state === 'failed' ? 'writes failed' : null));
    try {
      await this.store.backfills.finish(this.current.id, state, error, this.written(stats));
      await this.refresh();
    } catch (cause) {
      // The run's own result matters more than this bookkeeping: report it, keep the run's status.
      stats.error ??= `backfill bookkeeping failed: ${describeError(cause)}`;
    }
    const b = this.current;
    return {
      id: b.id,
      resumed: this.resumed,
      resumedFrom: this.resumedFrom,
      state: b.state,
      since: b.since,
      pulled: { crm: b.sides.crm.pulled, erp: b.sides.erp.pulled },
      written: { crm: b.sides.crm.written, erp: b.sides.erp.written },
    };
  }

  progress(): BackfillProgress {
    return progressOf(this.current, this.sides, this.now());
  }

  private written(stats: RunStats): { crm: number; erp: number } {
    return {
      crm: this.base.sides.crm.written + stats.written.crm,
      erp: this.base.sides.erp.written + stats.written.erp,
    };
  }

  private async refresh(): Promise<void> {
    this.current = await this.store.backfills.get(this.current.id);
    this.emit();
  }

  private emit(): void {
    // Quiet while `begin` counts: the first figures carry every total that can be had.
    if (!this.ready) return;
    this.onProgress?.(this.progress());
  }
}

/** What the connector counts from `since` on; null when it cannot count or the count fails. */
async function countLeft(
  sync: SyncDefinition,
  side: Side,
  since: string | null,
  logger: Logger,
  signal: AbortSignal,
): Promise<number | null> {
  const reader = connectorOf(sync, side).reader;
  if (reader.count === undefined) return null;
  try {
    return await reader.count(objectOf(sync, side), { since, signal });
  } catch (error) {
    logger.warn({ side, error: describeError(error) }, 'backfill: counting failed; progress without an ETA');
    return null;
  }
}
