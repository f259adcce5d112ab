import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../../src/errors.js';
import { backoffDelay, createTransport, DEFAULT_RETRY, parseRetryAfter } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';

describe('backoffDelay (full jitter)', () => {
  it('stays within [1, base * 2^(attempt-1)] and is capped by maxDelayMs', () => {
    const policy = { limit: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, policy, undefined, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, undefined, () => 0.5)).toBe(200);
    expect(backoffDelay(10, policy, undefined, () => 0.999)).toBe(999);
    expect(backoffDelay(2, policy, undefined, () => 0)).toBe(1);
  });

  it('uses Retry-After when the server sent one, capped by maxDelayMs', () => {
    expect(backoffDelay(1, DEFAULT_RETRY, 2000, () => 0)).toBe(2000);
    expect(backoffDelay(1, { ...DEFAULT_RETRY, maxDelayMs: 500 }, 2000, () => 0)).toBe(500);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['2', '9'], now)).toBe(2000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('createTransport', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  const transport = createTransport({
    logger: silentLogger(),
    timeoutMs: 2000,
    retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 50 },
  });

  it('retries a GET after 429 and 503, honouring Retry-After, and returns the final response', async () => {
    const scope = nock('http://vendor.test')
      .get('/things')
      .reply(429, { message: 'slow down' }, { 'Retry-After': '0' })
      .get('/things')
      .reply(503, 'unavailable')
      .get('/things')
      .reply(200, { ok: true }, { 'content-type': 'application/json' });
    const response = await transport.request({ method: 'GET', url: 'http://vendor.test/things' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
    scope.done();
  });

  it('does not retry a POST unless it is marked idempotent', async () => {
    const once = nock('http://vendor.test').post('/create').reply(503, 'unavailable');
    expect((await transport.request({ method: 'POST', url: 'http://vendor.test/create', json: {} })).status).toBe(503);
    once.done();
    const twice = nock('http://vendor.test')
      .post('/upsert')
      .reply(502, 'bad gateway')
      .post('/upsert')
      .reply(200, { ok: 1 });
    expect(
      (await transport.request({ method: 'POST', url: 'http://vendor.test/upsert', json: {}, idempotent: true }))
        .status,
    ).toBe(200);
    twice.done();
  });

  it('returns 4xx responses without retrying, for the connector to interpret', async () => {
    const scope = nock('http://vendor.test').post('/bad').reply(400, { status: 'error', category: 'VALIDATION_ERROR' });
    const response = await transport.request({
      method: 'POST',
      url: 'http://vendor.test/bad',
      json: {},
      idempotent: true,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    scope.done();
  });

  it('retries a connection reset, then gives a TransportError without the query string', async () => {
    // A real socket reset from a local server: nock cannot emulate one faithfully under got.
    let hits = 0;
    const server = http.createServer((req) => {
      hits++;
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    nock.enableNetConnect('127.0.0.1');
    try {
      const { port } = server.address() as AddressInfo;
      const error = await transport
        .request({ method: 'GET', url: `http://127.0.0.1:${port}/reset?hapikey=secret` })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).details['cause']).toBe('ECONNRESET');
      expect(String((error as Error).message)).not.toContain('secret');
      expect(hits).toBe(3);
    } finally {
      nock.disableNetConnect();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
