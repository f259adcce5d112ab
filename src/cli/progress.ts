/**
 * The backfill's progress on stderr: a bar (cli-progress) with counts, rate and ETA when stderr is
 * a terminal, plain lines at most every `intervalMs` otherwise (a log file, CI, a pipe), so that
 * stdout keeps exactly the command's own output (`--json`: one object).
 *
 * Rate and ETA come from `progressOf` (src/pipeline/backfill.ts), the same figures the control API
 * answers, not from cli-progress's own estimate: the bar and the API never disagree.
 */
import cliProgress from 'cli-progress';
import type { BackfillProgress } from '../pipeline/backfill.js';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** Draw a bar; default: `stream.isTTY`. */
  readonly tty?: boolean;
  /** Plain mode: the least time between two lines. Default 5000 ms. */
  readonly intervalMs?: number;
  /** Milliseconds since the epoch; injected by tests. */
  readonly now?: () => number;
}

export interface ProgressRenderer {
  update(progress: BackfillProgress): void;
  /** Draws the last figures and lets go of the terminal line. */
  stop(): void;
}

/** `95s` -> `1m35s`; `3725s` -> `1h02m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const percent = (p: BackfillProgress): number | null =>
  p.total === null ? null : p.total === 0 ? 100 : Math.min(100, Math.floor((p.pulled / p.total) * 100));

/** The figures in one line: `1200/5000 pulled (24%; crm 1200/3000, erp 0/2000), 900 written, 150.0/s, ETA 25s`. */
export function describeProgress(p: BackfillProgress, options: { percent?: boolean } = {}): string {
  const sides = Object.entries(p.sides)
    .map(([side, s]) => `${side} ${s.pulled}${s.total === null ? '' : `/${s.total}`}${s.done ? ' done' : ''}`)
    .join(', ');
  const share = options.percent === false ? null : percent(p);
  const pulled = `${p.pulled}${p.total === null ? '' : `/${p.total}`} pulled (${share === null ? '' : `${share}%; `}${sides})`;
  const rate = p.ratePerSecond === null ? 'rate -' : `${p.ratePerSecond.toFixed(1)}/s`;
  const eta =
    p.etaSeconds !== null
      ? `ETA ${formatDuration(p.etaSeconds)}`
      : p.total === null
        ? 'ETA unknown (no count)'
        : 'ETA -';
  return `${pulled}, ${p.written} written, ${rate}, ${eta}`;
}

const heading = (p: BackfillProgress): string => `${p.sync} backfill #${p.id} ${p.state}`;

export function createProgressRenderer(options: ProgressOptions): ProgressRenderer {
  const tty = options.tty ?? options.stream.isTTY === true;
  return tty ? barRenderer(options) : plainRenderer(options);
}

function plainRenderer(options: ProgressOptions): ProgressRenderer {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 5000;
  let printedAt: number | null = null;
  let printedState: string | null = null;
  let last: BackfillProgress | undefined;
  let lastPrinted: BackfillProgress | undefined;
  const print = (p: BackfillProgress): void => {
    options.stream.write(`${heading(p)}: ${describeProgress(p)}\n`);
    printedAt = now();
    printedState = p.state;
    lastPrinted = p;
  };
  return {
    update(p) {
      last = p;
      if (printedAt === null || printedState !== p.state || now() - printedAt >= interval) print(p);
    },
    stop() {
      if (last !== undefined && last !== lastPrinted) print(last);
    },
  };
}

function barRenderer(options: ProgressOptions): ProgressRenderer {
  const bar = new cliProgress.SingleBar({
    stream: options.stream as NodeJS.WritableStream,
    hideCursor: true,
    barsize: 24,
    barCompleteChar: cliProgress.Presets.shades_classic.barCompleteChar,
    barIncompleteChar: cliProgress.Presets.shades_classic.barIncompleteChar,
    format: (opts, _params, payload: { progress?: BackfillProgress }) => {
      const p = payload.progress;
      if (p === undefined) return '';
      const share = percent(p);
      const drawn = share === null ? '' : ` ${cliProgress.Format.BarFormat(share / 100, opts)} ${share}%`;
      return `${heading(p)}${drawn} ${describeProgress(p, { percent: false })}`;
    },
  });
  let started = false;
  return {
    update(p) {
      // cli-progress needs a total; ours may be unknown (the format then draws no bar).
      const total = Math.max(p.total ?? p.pulled, 1);
      if (!started) {
        bar.start(total, p.pulled, { progress: p });
        started = true;
        return;
      }
      bar.setTotal(total);
      bar.update(p.pulled, { progress: p });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
