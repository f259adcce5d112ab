import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { Metrics } from '../../../src/server/metrics.js';
import { silenceLimits } from '../../../src/server/runtime.js';
import { SilenceWatch } from '../../../src/webhooks/silence.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  });
  return { lines, logger };
}

describe('the webhook silence alarm', () => {
  it('raises when polling finds changes and no verified event came within the limit; a verified event clears it', () => {
    let now = 0;
    const { lines, logger } = capture();
    const watch = new SilenceWatch(new Map([['crm', 60_000]]), logger, () => now);
    now = 30_000;
    watch.polled('crm', 5);
    expect(watch.states()).toEqual([{ connector: 'crm', silenceAfterMs: 60_000, lastEventAt: null, alarm: false }]);

    now = 61_000;
    watch.polled('crm', 0); // nothing changed: silence is expected
    expect(watch.states()[0]?.alarm).toBe(false);
    watch.polled('crm', 3);
    expect(watch.states()[0]?.alarm).toBe(true);
    watch.polled('crm', 3); // warned once, not on every run
    expect(lines.filter((l) => l['level'] === 40)).toHaveLength(1);
    expect(lines[0]).toMatchObject({ connector: 'crm', changes: 3, msg: expect.stringContaining('webhook silence') });

    now = 62_000;
    watch.heard('crm');
    expect(watch.states()[0]).toMatchObject({ alarm: false, lastEventAt: new Date(62_000).toISOString() });
    now = 100_000;
    watch.polled('crm', 1);
    expect(watch.states()[0]?.alarm).toBe(false);
  });

  it('ignores connectors without a limit and follows a reload', () => {
    let now = 0;
    const { logger } = capture();
    const watch = new SilenceWatch(new Map([['crm', 1000]]), logger, () => now);
    now = 5000;
    watch.polled('erp', 10);
    expect(watch.states().map((s) => s.connector)).toEqual(['crm']);
    watch.reconfigure(new Map([['crm', 10_000]]));
    watch.polled('crm', 1);
    expect(watch.states()[0]?.alarm).toBe(false);
    watch.reconfigure(new Map());
    expect(watch.states()).toEqual([]);
  });

  it('keeps the last event of webhooks without a silence limit, for the metric, and never alarms on them', async () => {
    let now = 0;
    const { logger } = capture();
    const limits = silenceLimits({ webhooks: { erp: {}, crm: { silenceAfterMs: 60_000 } } });
    expect(limits).toEqual(
      new Map([
        ['erp', null],
        ['crm', 60_000],
      ]),
    );
    const watch = new SilenceWatch(new Map([['erp', null]]), logger, () => now);
    now = 5000;
    watch.heard('erp');
    now = 10_000_000;
    watch.polled('erp', 10);
    expect(watch.states()).toEqual([
      { connector: 'erp', silenceAfterMs: null, lastEventAt: new Date(5000).toISOString(), alarm: false },
    ]);
    const metrics = new Metrics();
    try {
      metrics.refresh({ syncs: [], circuits: [], conflicts: new Map(), webhooks: watch.states(), now });
      const text = await metrics.registry.metrics();
      expect(text).toContain('tandem_webhook_last_event_timestamp_seconds{connector="erp"} 5\n');
      expect(text).not.toContain('tandem_webhook_silence_alarm{connector="erp"}');
    } finally {
      metrics.close();
    }
  });
});
