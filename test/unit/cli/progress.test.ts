import { stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backfill } from '../../../state/index.js';
import { createProgressRenderer, describeProgress, formatDuration } from '../../../src/cli/progress.js';
import { progressOf, type BackfillProgress } from '../../../src/pipeline/backfill.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

function backfill(over: Partial<Backfill> = {}, crm: Partial<Backfill['sides']['crm']> = {}): Backfill {
  const side = { cursor: null, done: false, pulled: 0, written: 0, total: null };
  return {
    id: 3,
    sync: 'contacts',
    since: null,
    state: 'running',
    startedAt: at(0),
    sessionStartedAt: at(0),
    sessionPulled: 0,
    resumes: 0,
    updatedAt: at(0),
    finishedAt: null,
    sides: { crm: { ...side, ...crm }, erp: { ...side } },
    error: null,
    ...over,
  };
}

class FakeStream {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 200,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  // What readline's cursorTo / clearLine call on a TTY stream.
  cursorTo(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  on(): this {
    return this;
  }
}

const plain = (text: string): string => stripVTControlCharacters(text);

describe('backfill progress figures (progressOf)', () => {
  it('rate over this session, ETA from what is left of the counted totals', () => {
    const b = backfill(
      { sessionPulled: 100, sessionStartedAt: at(0), resumes: 1 },
      { pulled: 300, total: 1100, cursor: { modifiedAt: '2024-01-01T00:00:00.000Z', lastId: '9' } },
    );
    // 200 pulled in this session in 10 s: 20/s; 800 left on the CRM side: 40 s.
    const p = progressOf(b, ['crm'], T0 + 10_000);
    expect(p).toMatchObject({ pulled: 300, total: 1100, ratePerSecond: 20, etaSeconds: 40, resumes: 1 });
    expect(p.sides).toEqual({
      crm: {
        cursor: { modifiedAt: '2024-01-01T00:00:00.000Z', lastId: '9' },
        done: false,
        pulled: 300,
        written: 0,
        total: 1100,
      },
    });
  });

  it('no total (a connector without count) means no ETA, but counts and rate; a count passed is raised to what was read', () => {
    const unknown = progressOf(backfill({}, { pulled: 50 }), ['crm', 'erp'], T0 + 5_000);
    expect(unknown).toMatchObject({ total: null, ratePerSecond: 10, etaSeconds: null });
    const past = progressOf(backfill({}, { pulled: 70, total: 60 }), ['crm'], T0 + 7_000);
    expect(past).toMatchObject({ total: 70, etaSeconds: 0 });
    const done = progressOf(
      backfill({ state: 'done', updatedAt: at(4_000) }, { pulled: 40, done: true }),
      ['crm'],
      T0 + 999_000,
    );
    expect(done).toMatchObject({ total: 40, etaSeconds: 0, ratePerSecond: 10 });
    expect(progressOf(backfill(), ['crm'], T0)).toMatchObject({ ratePerSecond: null, etaSeconds: null });
  });

  it('describes the figures in one line', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(95)).toBe('1m35s');
    expect(formatDuration(3725)).toBe('1h02m');
    const p = progressOf(backfill({}, { pulled: 300, total: 1200, written: 12 }), ['crm'], T0 + 10_000);
    expect(describeProgress(p)).toBe('300/1200 pulled (25%; crm 300/1200), 12 written, 30.0/s, ETA 30s');
    const q = progressOf(backfill({}, { pulled: 5 }), ['crm', 'erp'], T0 + 1_000);
    expect(describeProgress(q)).toBe('5 pulled (crm 5, erp 0), 0 written, 5.0/s, ETA unknown (no count)');
  });
});

describe('the progress renderer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const frames = (count: number): BackfillProgress[] =>
    Array.from({ length: count }, (_, i) =>
      progressOf(backfill({}, { pulled: (i + 1) * 100, total: 1000 }), ['crm'], T0 + (i + 1) * 1000),
    );

  it('plain (not a terminal): a line at most every interval, on a change of state, and the last figures at stop', () => {
    const stream = new FakeStream(false);
    let now = T0;
    const renderer = createProgressRenderer({ stream, intervalMs: 5000, now: () => now });
    const updates = frames(9);
    for (const [i, p] of updates.entries()) {
      now = T0 + i * 1000;
      renderer.update(p);
    }
    // Updates at 0 s .. 8 s: lines at 0 s and 5 s.
    expect(stream.text.split('\n').filter(Boolean)).toEqual([
      'contacts backfill #3 running: 100/1000 pulled (10%; crm 100/1000), 0 written, 100.0/s, ETA 9s',
      'contacts backfill #3 running: 600/1000 pulled (60%; crm 600/1000), 0 written, 100.0/s, ETA 4s',
    ]);
    now += 1000;
    renderer.update({ ...(updates[8] as BackfillProgress), state: 'interrupted' });
    renderer.stop();
    renderer.stop();
    const lines = stream.text.split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^contacts backfill #3 interrupted: 900\/1000 pulled/);
    expect(stream.text).not.toContain('\x1B');
  });

  it('a terminal: a bar redrawn in place with counts, rate and ETA, and nothing without updates', () => {
    const stream = new FakeStream(true);
    const renderer = createProgressRenderer({ stream });
    renderer.stop();
    expect(stream.text).toBe('');
    const [first, , third] = frames(3);
    renderer.update(first as BackfillProgress);
    expect(plain(stream.text)).toContain('contacts backfill #3 running');
    expect(plain(stream.text)).toContain(' 10% 100/1000 pulled (crm 100/1000), 0 written, 100.0/s, ETA 9s');
    expect(stream.text).toContain('█');
    vi.advanceTimersByTime(1000);
    renderer.update(third as BackfillProgress);
    vi.advanceTimersByTime(1000);
    renderer.stop();
    expect(plain(stream.text)).toContain(' 30% 300/1000 pulled (crm 300/1000), 0 written, 100.0/s, ETA 7s');
    // Redrawn in place (cursor moves), not one line per update; the cursor is shown again at stop.
    expect(stream.text.split('\n').length).toBeLessThanOrEqual(2);
    expect(stream.text).toContain('\x1B[?25h');
  });

  it('a terminal without a total draws no bar, only the figures', () => {
    const stream = new FakeStream(true);
    const renderer = createProgressRenderer({ stream });
    renderer.update(progressOf(backfill({}, { pulled: 20 }), ['crm', 'erp'], T0 + 2000));
    renderer.stop();
    expect(plain(stream.text)).toContain(
      'contacts backfill #3 running 20 pulled (crm 20, erp 0), 0 written, 10.0/s, ETA unknown (no count)',
    );
    expect(stream.text).not.toContain('█');
  });
});
