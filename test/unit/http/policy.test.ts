import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hubspotLimits } from '../../../connectors/hubspot/rate-limits.js';
import { TransportError } from '../../../src/errors.js';
import { RequestPolicy, type Outcome } from '../../../src/http/policy.js';
import type { HttpRequest, HttpResponse } from '../../../src/http/types.js';
import { singleWindow } from '../../../src/http/vendor-limits.js';

const GET: HttpRequest = { method: 'GET', url: 'https://api.hubapi.test/crm/v3/objects/contacts' };
const SEARCH: HttpRequest = {
  method: 'POST',
  url: 'https://api.hubapi.test/crm/v3/objects/contacts/search',
  idempotent: true,
};

function response(status: number, headers: Record<string, string> = {}, body?: unknown): Outcome {
  const res: HttpResponse = { status, headers, body, text: body === undefined ? '' : JSON.stringify(body) };
  return { kind: 'response', response: res };
}

const tenSecondly = (remaining = 0): Record<string, string> => ({
  'x-hubspot-ratelimit-interval-milliseconds': '10000',
  'x-hubspot-ratelimit-max': '100',
  'x-hubspot-ratelimit-remaining': String(remaining),
});
const limited = (policyName: string): Outcome =>
  response(429, tenSecondly(0), { status: 'error', errorType: 'RATE_LIMIT', policyName, message: 'limit' });

/** Runs `request` under `policy`, answering attempts from `answers` and noting when each was sent. */
function scripted(answers: Outcome[]): { sentAt: number[]; send: () => Promise<Outcome> } {
  const sentAt: number[] = [];
  const start = Date.now();
  return {
    sentAt,
    send: () => {
      sentAt.push(Date.now() - start);
      return Promise.resolve(answers.shift() ?? response(200));
    },
  };
}

describe('the connector request policy (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('retries with full-jitter exponential backoff, never sooner than each drawn delay', async () => {
    const policy = new RequestPolicy({ connector: 'crm', random: () => 0.5 });
    const { sentAt, send } = scripted([response(503), response(502), response(500)]);
    const done = policy.run(GET, send);
    await vi.advanceTimersByTimeAsync(10_000);
    const attempt = await done;
    expect(attempt).toMatchObject({ kind: 'response', response: { status: 200 } });
    // random 0.5 of the ceilings 250, 500, 1000 ms
    expect(sentAt).toEqual([0, 125, 375, 875]);
  });

  it('honours Retry-After over the jittered delay', async () => {
    const policy = new RequestPolicy({ connector: 'erp', random: () => 0 });
    const { sentAt, send } = scripted([response(429, { 'retry-after': '3' })]);
    const done = policy.run(GET, send);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(sentAt).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(sentAt).toEqual([0, 3000]);
  });

  it('gives up at once when the vendor asks for a longer wait than maxDelayMs', async () => {
    const policy = new RequestPolicy({ connector: 'erp', retry: { maxDelayMs: 5_000 } });
    const { sentAt, send } = scripted([response(503, { 'retry-after': '3600' })]);
    expect(await policy.run(GET, send)).toMatchObject({ response: { status: 503 } });
    expect(sentAt).toEqual([0]);
  });

  it('backs off a HubSpot 429 without Retry-After until its 10-second window rolls over', async () => {
    // maxDelayMs below the window: the backoff is capped, the limiter still holds until it rolls over.
    const policy = new RequestPolicy({
      retry: { maxDelayMs: 2_000 },
      connector: 'crm',
      limits: hubspotLimits({ searchPerSecond: 5 }),
      random: () => 0.5,
    });
    const { sentAt, send } = scripted([limited('TEN_SECONDLY_ROLLING'), limited('TEN_SECONDLY_ROLLING')]);
    const done = policy.run(GET, send);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await done).toMatchObject({ response: { status: 200 } });
    // The old jittered-only backoff (125, 250 ms) would have spent its retries inside the window.
    expect(sentAt).toEqual([0, 10_000, 20_000]);
  });

  it('holds every request of the window once a response says Remaining: 0, and search goes on', async () => {
    const policy = new RequestPolicy({ connector: 'crm', limits: hubspotLimits({ searchPerSecond: 5 }) });
    await policy.run(GET, () => Promise.resolve(response(200, tenSecondly(0))));
    const sent: string[] = [];
    const general = policy.run(GET, () => (sent.push('general'), Promise.resolve(response(200, tenSecondly(99)))));
    const search = policy.run(SEARCH, () => (sent.push('search'), Promise.resolve(response(200))));
    await vi.advanceTimersByTimeAsync(0);
    await search;
    expect(sent).toEqual(['search']);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(sent).toEqual(['search']);
    await vi.advanceTimersByTimeAsync(1);
    await general;
    expect(sent).toEqual(['search', 'general']);
  });

  it('keeps search to searchPerSecond in any second', async () => {
    const policy = new RequestPolicy({ connector: 'crm', limits: hubspotLimits({ searchPerSecond: 2 }) });
    const sentAt: number[] = [];
    const runs = [0, 1, 2, 3, 4].map(() =>
      policy.run(SEARCH, () => (sentAt.push(Date.now()), Promise.resolve(response(200)))),
    );
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(runs);
    expect(sentAt.map((t) => t - start)).toEqual([0, 0, 1000, 1000, 2000]);
  });

  it('paces every request to a configured window', async () => {
    const policy = new RequestPolicy({ connector: 'erp', limits: singleWindow({ requests: 2, intervalMs: 500 }) });
    const sentAt: number[] = [];
    const start = Date.now();
    const runs = [0, 1, 2].map(() =>
      policy.run(GET, () => (sentAt.push(Date.now() - start), Promise.resolve(response(200)))),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(runs);
    expect(sentAt).toEqual([0, 0, 500]);
  });

  it('does not retry a POST that is not idempotent, nor a status the request calls final', async () => {
    const policy = new RequestPolicy({ connector: 'erp' });
    const post = scripted([response(503)]);
    expect(await policy.run({ method: 'POST', url: 'https://erp.test/create' }, post.send)).toMatchObject({
      response: { status: 503 },
    });
    expect(post.sentAt).toHaveLength(1);
    const login = scripted([response(429)]);
    const request: HttpRequest = { method: 'POST', url: 'https://erp.test/', idempotent: true, finalStatuses: [429] };
    expect(await policy.run(request, login.send)).toMatchObject({ verdict: { retry: false, outage: false } });
    expect(login.sentAt).toHaveLength(1);
  });

  it('retries a network failure of a GET and gives the last failure back after the limit', async () => {
    const policy = new RequestPolicy({ connector: 'erp', retry: { limit: 2 }, random: () => 0 });
    const error = new TransportError('GET x failed: ECONNRESET', { url: 'x', method: 'GET', cause: 'ECONNRESET' });
    const calls: number[] = [];
    const done = policy.run(GET, () => (calls.push(1), Promise.resolve({ kind: 'failed', error, code: 'ECONNRESET' })));
    await vi.advanceTimersByTimeAsync(100);
    expect(await done).toMatchObject({ kind: 'failed', error, verdict: { retry: true, outage: true } });
    expect(calls).toHaveLength(3);
  });

  it('times an attempt out through the signal it passes down', async () => {
    const policy = new RequestPolicy({ connector: 'erp', timeoutMs: 1000, retry: { limit: 0 } });
    let aborted = false;
    const done = policy.run(
      GET,
      (signal) =>
        new Promise<Outcome>((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve(response(200));
          }),
        ),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(aborted).toBe(true);
  });
});
