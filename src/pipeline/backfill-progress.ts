/** A backfill's progress as an operator sees it: figures per side, rate and ETA (one formula for the CLI and the API). */
import type { Cursor } from '../../connectors/types.js';
import type { Backfill, BackfillState, Side } from '../../state/index.js';

/** One side of a backfill as an operator sees it. */
export interface BackfillSideProgress {
  readonly cursor: Cursor | null;
  readonly done: boolean;
  readonly pulled: number;
  readonly written: number;
  /** Records expected; null when the connector cannot count. */
  readonly total: number | null;
}

/** A backfill's progress: what `tandem backfill` draws and `GET /api/syncs/{sync}/backfill` answers. */
export interface BackfillProgress {
  readonly id: number;
  readonly sync: string;
  readonly state: BackfillState;
  readonly since: string | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  /** How many times it was resumed after an interruption. */
  readonly resumes: number;
  /** The sides the sync reads (`erp` only for direction `both`). */
  readonly sides: Partial<Record<Side, BackfillSideProgress>>;
  /** Both sides together. */
  readonly pulled: number;
  readonly written: number;
  /** Null unless every side's total is known. */
  readonly total: number | null;
  /** Records pulled per second in the current (or last) session; null before any. */
  readonly ratePerSecond: number | null;
  /** Seconds left at that rate; null without a total or a rate, 0 once done. */
  readonly etaSeconds: number | null;
  readonly error: string | null;
}

/** What the run's stats say about the backfill (`tandem backfill --json`). */
export interface BackfillSummary {
  readonly id: number;
  /** True when this run resumed an unfinished backfill rather than starting one. */
  readonly resumed: boolean;
  /** Where each side's reading started in this run: the resumed cursor, or null (from `since`). */
  readonly resumedFrom: Partial<Record<Side, Cursor | null>>;
  readonly state: BackfillState;
  readonly since: string | null;
  /** Totals over every session of this backfill. */
  readonly pulled: { crm: number; erp: number };
  readonly written: { crm: number; erp: number };
}

/** The progress figures of `backfill` at `nowMs`. */
export function progressOf(backfill: Backfill, sides: readonly Side[], nowMs: number): BackfillProgress {
  const list = sides.map((side) => backfill.sides[side]);
  const pulled = list.reduce((n, s) => n + s.pulled, 0);
  const written = backfill.sides.crm.written + backfill.sides.erp.written;
  // A count is an estimate: records changed while they are read are read again, past it.
  const sideTotal = (s: BackfillSideProgress): number | null =>
    s.done ? s.pulled : s.total === null ? null : Math.max(s.total, s.pulled);
  const view = Object.fromEntries(
    sides.map((side) => [side, { ...backfill.sides[side], total: sideTotal(backfill.sides[side]) }]),
  ) as Partial<Record<Side, BackfillSideProgress>>;
  const totals = list.map(sideTotal);
  const total = totals.every((t): t is number => t !== null) ? totals.reduce((n, t) => n + t, 0) : null;
  const end = backfill.state === 'running' ? nowMs : Date.parse(backfill.updatedAt);
  const seconds = (end - Date.parse(backfill.sessionStartedAt)) / 1000;
  const sessionPulled = pulled - backfill.sessionPulled;
  const ratePerSecond = seconds > 0 && sessionPulled > 0 ? sessionPulled / seconds : null;
  const left = list.reduce((n, s) => n + Math.max(0, (sideTotal(s) ?? 0) - s.pulled), 0);
  const etaSeconds =
    backfill.state === 'done' ? 0 : total === null || ratePerSecond === null ? null : Math.ceil(left / ratePerSecond);
  return {
    id: backfill.id,
    sync: backfill.sync,
    state: backfill.state,
    since: backfill.since,
    startedAt: backfill.startedAt,
    updatedAt: backfill.updatedAt,
    finishedAt: backfill.finishedAt,
    resumes: backfill.resumes,
    sides: view,
    pulled,
    written,
    total,
    ratePerSecond,
    etaSeconds,
    error: backfill.error,
  };
}
