import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createScheduler } from '../../../src/daemon/daemon.js';
import { createLogger } from '../../../src/logger.js';

describe("node-cron's own log lines", () => {
  afterEach(() => vi.restoreAllMocks());

  it('go through pino as JSON (the overlap warning of a run longer than its schedule), never to the console', async () => {
    const printed: unknown[][] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args));
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const abort = new AbortController();
    // A run that takes 2.5 s on an every-second schedule: node-cron's noOverlap warns on each tick.
    const scheduler = createScheduler(
      { scheduled: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 2500)) },
      logger,
      abort.signal,
    );
    try {
      scheduler.schedule('contacts', '* * * * * *');
      await new Promise((resolve) => setTimeout(resolve, 3300));
    } finally {
      abort.abort();
      await scheduler.destroyAll();
    }
    expect(printed).toEqual([]);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const overlap = parsed.filter((l) => String(l['msg']).includes('task still running'));
    expect(overlap.length).toBeGreaterThan(0);
    expect(overlap[0]).toMatchObject({ level: 40, component: 'node-cron', task: 'sync:contacts' });
  }, 10_000);
});
