/**
 * The run history's side of a run: the page's planned changes, with personal data redacted as the
 * logs redact it, go into the page's commit (state/run-history.ts); at the run's end, history past
 * its retention is pruned. Pruning never fails a run: its error is logged.
 */
import type { HistoryLimits, RecordChange } from '../../state/index.js';
import type { Logger } from '../logger.js';
import type { RunContext } from './context.js';
import type { PlannedChange } from './plan-writes.js';

export type { HistorySettings } from './context.js';

export const REDACTED = '[redacted]';

/** The field names `log.redact` names: each path's last key (`*.email` -> email, `a["b"]` -> b). */
export function redactedFields(paths: readonly string[]): Set<string> {
  return new Set(
    paths.map((p) => {
      const last = /(?:\.|^)([^.[\]]+)$|\[["']?([^\]"']+)["']?\]$/.exec(p);
      return last?.[1] ?? last?.[2] ?? p;
    }),
  );
}

/** `changes` as the history keeps them: values of redacted fields replaced, both before and after. */
export function historyChanges(changes: readonly PlannedChange[], redact: ReadonlySet<string>): RecordChange[] {
  if (redact.size === 0) return [...changes];
  return changes.map((c) => ({
    ...c,
    fields: c.fields.map((f) =>
      redact.has(f.field) || redact.has('*') ? { field: f.field, from: REDACTED, to: REDACTED } : f,
    ),
  }));
}

/** What a page commit of run `run` adds for the history. */
export function historyOf(
  ctx: RunContext,
  run: number,
  changes: readonly PlannedChange[],
): { readonly run: number; readonly changes: RecordChange[] } {
  return { run, changes: historyChanges(changes, redactedFields(ctx.sync.history?.redact ?? [])) };
}

/** Prunes the history past its retention; logs, never throws. */
export async function pruneAfterRun(ctx: RunContext, log: Logger): Promise<void> {
  const limits = ctx.sync.history?.limits ?? DEFAULT_HISTORY;
  try {
    const pruned = await ctx.store.pruneHistory(limits);
    if (pruned.runs + pruned.changes > 0) log.debug({ pruned }, 'run history pruned');
  } catch (error) {
    log.warn({ err: error }, 'run history could not be pruned; retried after the next run');
  }
}

export const DEFAULT_HISTORY: HistoryLimits = { keepDays: 30, maxChanges: 1_000_000 };
