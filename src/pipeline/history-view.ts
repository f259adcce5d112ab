/**
 * The run history as people and programs read it: one shape for `tandem runs --json` and
 * `GET /api/runs` (and `tandem runs show` / `GET /api/runs/{id}/changes`), and the same in words.
 */
import type { FieldChange, RunChange, RunRow } from '../../state/index.js';
import type { RunStats } from './context.js';

export interface RunView {
  readonly id: number;
  readonly sync: string;
  readonly kind: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
  /** The run's figures (`RunStats`); null while it runs, or for a row a crash left. */
  readonly stats: RunStats | null;
}

export function runView(row: RunRow): RunView {
  return {
    id: row.id,
    sync: row.sync,
    kind: row.kind,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    stats: row.stats === null ? null : (JSON.parse(row.stats) as RunStats),
  };
}

/** A change as listed: the state row without its internal ids. */
export type ChangeView = Omit<RunChange, 'runId'>;

export function changeView(change: RunChange): ChangeView {
  const { runId, ...rest } = change;
  void runId;
  return rest;
}

const ACTION_WORDS: Record<string, string> = {
  create: 'created',
  update: 'updated',
  archive: 'archived',
  restore: 'restored',
};

const DELIVERY_WORDS: Record<string, string> = {
  done: 'written',
  pending: 'waiting in the outbox',
  dead: 'failed (a dead letter)',
  superseded: 'replaced by a later change',
  dropped: 'dropped by a person',
};

/** A value in words: `(empty)` for nothing, strings quoted, the rest as JSON. */
export function valueWords(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  return JSON.stringify(value);
}

/** One line per run: `#12 contacts incremental succeeded at <start>, 1.2 s: created 2, updated 1, ...`. */
export function runLine(run: RunView): string {
  const s = run.stats;
  const figures =
    s === null
      ? run.status === 'running'
        ? 'still running'
        : 'no figures'
      : [
          `${s.durationMs >= 1000 ? `${(s.durationMs / 1000).toFixed(1)} s` : `${s.durationMs} ms`}`,
          `pulled ${s.pulled.crm + s.pulled.erp}`,
          `created ${s.created.crm + s.created.erp}`,
          `updated ${s.updated.crm + s.updated.erp}`,
          `archived ${s.archived.crm + s.archived.erp}`,
          `conflicts ${s.conflicts}`,
          `failed ${s.failed}`,
          `dead letters ${s.deadLettered}`,
        ].join(', ');
  return `#${run.id} ${run.sync} ${run.kind} ${run.status}, started ${run.startedAt}: ${figures}${run.error === null ? '' : `; error: ${oneLine(run.error)}`}`;
}

/** A change in words: its heading, then a line per field `name: before -> after`. */
export function changeLines(change: ChangeView): string[] {
  const action = ACTION_WORDS[change.action] ?? change.action;
  const id = change.recordId === null ? '(not created yet)' : change.recordId;
  const delivery = change.delivery === null ? '' : `; ${DELIVERY_WORDS[change.delivery] ?? change.delivery}`;
  const head = `${action} ${change.side} record ${id}, from ${change.side === 'crm' ? 'erp' : 'crm'} record ${change.sourceId}${delivery}`;
  return [
    head,
    ...change.fields.map((f: FieldChange) => `    ${f.field}: ${valueWords(f.from)} -> ${valueWords(f.to)}`),
  ];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
