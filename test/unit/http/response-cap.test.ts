import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot/index.js';
import { ResponseTooLargeError } from '../../../src/http/errors.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';

const CAP = 1024 * 1024;

describe('the response-size cap, enforced while the body streams', () => {
  let server: http.Server;
  let base = '';
  /** Bytes the server managed to write before the client hung up, per request. */
  const written: number[] = [];
  beforeAll(async () => {
    nock.enableNetConnect('127.0.0.1');
    server = http.createServer((req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      if (req.url?.startsWith('/declared')) {
        // Announces 2 GiB up front: refused on the headers, before a byte of body.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 ** 3) });
        res.write(chunk);
        return;
      }
      if (req.url?.startsWith('/small')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
        return;
      }
      // Unbounded and chunked, like a vendor that streams a never-ending export.
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const index = written.push(0) - 1;
      const pump = (): void => {
        while (!res.destroyed) {
          sent += chunk.length;
          written[index] = sent;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => (written[index] = sent));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    nock.disableNetConnect();
  });
  afterEach(() => (written.length = 0));

  const transport = createTransport({ logger: silentLogger(), connector: 'crm', maxResponseBytes: CAP });

  it('aborts an unbounded body just past the cap, with a typed error naming connector, URL and cap', async () => {
    const before = process.memoryUsage().rss;
    const error: unknown = await transport
      .request({ method: 'GET', url: `${base}/export?hapikey=secret` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      details: { connector: 'crm', method: 'GET', url: `${base}/export?[redacted]`, capBytes: CAP },
    });
    const message = (error as Error).message;
    expect(message).toContain('crm: GET');
    expect(message).toContain('1 MiB');
    expect(message).toContain('maxResponseBytes');
    expect(message).not.toContain('secret');
    const received = (error as ResponseTooLargeError).details['receivedBytes'];
    expect(received).toBeGreaterThan(CAP);
    expect(received).toBeLessThan(CAP * 2);
    // Not retried (the same request would bring the same body), and the process did not buffer it.
    expect(written).toHaveLength(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a body whose Content-Length is over the cap before reading it', async () => {
    const error: unknown = await transport.request({ method: 'GET', url: `${base}/declared` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).details['receivedBytes']).toBe(2 * 1024 ** 3);
  });

  it('passes answers under the cap, and a connector takes the cap from its config', async () => {
    expect((await transport.request({ method: 'GET', url: `${base}/small` })).body).toEqual({ ok: true });
    expect(hubspotConnector.configSchema.parse({ maxResponseBytes: 2048 }).maxResponseBytes).toBe(2048);
    expect(hubspotConnector.configSchema.safeParse({ maxResponseBytes: 10 }).success).toBe(false);
  });
});
