import diagnostics from 'node:diagnostics_channel';
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_EVENTS_CHANNEL, createTransport, type HttpEvent } from '../../../src/http/transport.js';
import { createLogger } from '../../../src/logger.js';

/** A logger whose lines land in `lines`, parsed. */
function capture(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('the policy emits, the engine logs and counts', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  it('a retry becomes a warn line naming the request without its query, and a retry event for metrics', async () => {
    const events: HttpEvent[] = [];
    const listen = (message: unknown): void => void events.push(message as HttpEvent);
    diagnostics.subscribe(HTTP_EVENTS_CHANNEL, listen);
    const { lines, logger } = capture();
    try {
      const transport = createTransport({ logger, connector: 'crm', retry: { limit: 1, baseDelayMs: 1 } });
      const scope = nock('http://vendor.test')
        .get('/things')
        .query(true)
        .reply(503, 'unavailable')
        .get('/things')
        .query(true)
        .reply(200, { ok: true });
      await transport.request({ method: 'GET', url: 'http://vendor.test/things?hapikey=secret' });
      scope.done();
    } finally {
      diagnostics.unsubscribe(HTTP_EVENTS_CHANNEL, listen);
    }
    const retry = lines.find((l) => l['msg'] === 'retrying request');
    expect(retry).toMatchObject({
      level: 40,
      request: 'GET http://vendor.test/things?[redacted]',
      retry: 1,
      status: 503,
      reason: 'HTTP 503',
    });
    expect(JSON.stringify(lines)).not.toContain('secret');
    expect(events).toEqual([
      { connector: 'crm', event: 'retry', status: 503 },
      { connector: 'crm', event: 'response', status: 200 },
    ]);
  });
});
