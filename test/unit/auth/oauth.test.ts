import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConnectorAuth } from '../../../src/auth/connector-auth.js';
import { withOAuth } from '../../../src/auth/oauth-transport.js';
import { createTokenProvider, isOAuthError, type OAuthSettings } from '../../../src/auth/oauth.js';
import { createTokenRequester } from '../../../src/auth/token-request.js';
import { connectorBaseSchema } from '../../../src/config/schema.js';
import { createTransport } from '../../../src/http/transport.js';
import { createLogger, silentLogger } from '../../../src/logger.js';
import { tempDir } from '../../helpers/tmp.js';

interface TokenCall {
  readonly form: URLSearchParams;
  readonly authorization: string | undefined;
}

/** A local OAuth 2.0 token endpoint and a protected API that accepts only tokens it issued and has not revoked. */
class OAuthServer {
  readonly calls: TokenCall[] = [];
  readonly valid = new Set<string>();
  expiresIn = 3600;
  delayMs = 0;
  /** When set, the token endpoint answers this error. */
  fail: { status: number; error: string } | undefined;
  rotateRefreshTokens = false;
  apiCalls = 0;
  private issued = 0;
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => void this.handle(req, res, body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  revokeAll(): void {
    this.valid.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/token') {
      this.calls.push({ form: new URLSearchParams(body), authorization: req.headers.authorization });
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.fail !== undefined) {
        res.statusCode = this.fail.status;
        res.end(JSON.stringify({ error: this.fail.error, error_description: 'refused' }));
        return;
      }
      const token = `access-${++this.issued}`;
      this.valid.add(token);
      const refresh = this.rotateRefreshTokens ? { refresh_token: `refresh-${this.issued}` } : {};
      res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: this.expiresIn, ...refresh }));
      return;
    }
    this.apiCalls += 1;
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    res.statusCode = this.valid.has(token) ? 200 : 401;
    res.end(JSON.stringify({ token: this.valid.has(token) ? 'ok' : 'invalid_token' }));
  }
}

const settings = (server: OAuthServer, overrides: Partial<OAuthSettings> = {}): OAuthSettings => ({
  grant: 'client_credentials',
  tokenUrl: `${server.url}/token`,
  clientId: 'tandem client',
  clientAuth: 'basic',
  refreshBeforeMs: 60_000,
  ...overrides,
});

describe('OAuth 2.0 token provider against a local token server', () => {
  let server: OAuthServer;
  beforeEach(async () => {
    server = new OAuthServer();
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('client credentials: one request with HTTP Basic client auth, then the cached token until shortly before expiry', async () => {
    let now = 1_000_000;
    server.expiresIn = 300;
    const provider = createTokenProvider({
      connector: 'crm',
      settings: settings(server),
      clientSecret: () => 's3cret:with colon',
      request: createTokenRequester({ timeoutMs: 5000 }),
      logger: silentLogger(),
      now: () => now,
    });
    expect(await provider.token()).toBe('access-1');
    expect(await provider.token()).toBe('access-1');
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.form.get('grant_type')).toBe('client_credentials');
    // RFC 6749 2.3.1: id and secret are form-urlencoded, then Basic-encoded.
    const basic = Buffer.from(server.calls[0]?.authorization?.replace('Basic ', '') ?? '', 'base64').toString();
    expect(basic).toBe('tandem%20client:s3cret%3Awith%20colon');

    now += 239_000; // 61 s before expiry: still good
    expect(await provider.token()).toBe('access-1');
    now += 2_000; // 59 s before expiry: inside the 60 s margin
    expect(await provider.token()).toBe('access-2');
    expect(server.calls).toHaveLength(2);
  });

  it('refreshes concurrent callers with a single request (single-flight)', async () => {
    server.delayMs = 150;
    const provider = createTokenProvider({
      connector: 'crm',
      settings: settings(server, { clientAuth: 'body' }),
      clientSecret: () => 'secret',
      request: createTokenRequester({ timeoutMs: 5000 }),
      logger: silentLogger(),
    });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => provider.token()));
    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.form.get('client_id')).toBe('tandem client');
    expect(server.calls[0]?.authorization).toBeUndefined();
  });

  it('retries a 401 once with a fresh token, and concurrent 401s share one refresh', async () => {
    const provider = createTokenProvider({
      connector: 'crm',
      settings: settings(server),
      clientSecret: () => 'secret',
      request: createTokenRequester({ timeoutMs: 5000 }),
      logger: silentLogger(),
    });
    const http = withOAuth(createTransport({ logger: silentLogger(), retry: { limit: 0 } }), provider);
    const first = await http.request({
      method: 'GET',
      url: `${server.url}/api`,
      headers: { Authorization: 'Bearer stale' },
    });
    expect(first.status).toBe(200);

    server.revokeAll(); // the vendor revokes the token before it expires
    const results = await Promise.all(
      Array.from({ length: 5 }, () => http.request({ method: 'GET', url: `${server.url}/api` })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.calls).toHaveLength(2);

    // A token refused again after the refresh is answered as is: one retry, never a loop.
    server.fail = undefined;
    const before = server.apiCalls;
    server.valid.clear();
    const refused = createTokenProvider({
      connector: 'crm',
      settings: settings(server),
      clientSecret: () => 'secret',
      request: async () => ({ status: 200, body: { access_token: 'never-valid', expires_in: 3600 } }),
      logger: silentLogger(),
    });
    const stubborn = withOAuth(createTransport({ logger: silentLogger(), retry: { limit: 0 } }), refused);
    expect((await stubborn.request({ method: 'GET', url: `${server.url}/api` })).status).toBe(401);
    expect(server.apiCalls - before).toBe(2);
  });

  it('refresh token grant: sends the configured refresh token, then the rotated one, written back to its file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      server.rotateRefreshTokens = true;
      server.expiresIn = 1;
      fs.writeFileSync(path.join(dir, 'refresh'), 'refresh-initial\n');
      fs.writeFileSync(path.join(dir, 'client-secret'), 'secret-v1\n');
      const base = connectorBaseSchema.parse({
        kind: 'hubspot',
        auth: {
          oauth2: {
            grant: 'refresh_token',
            tokenUrl: `${server.url}/token`,
            clientId: 'id',
            clientSecret: { file: 'client-secret' },
            refreshToken: { file: 'refresh' },
          },
        },
      });
      const auth = buildConnectorAuth('crm', base, {
        configFile: path.join(dir, 'config.yaml'),
        logger: silentLogger(),
      });
      expect(auth.secretDefaults).toEqual({ token: '' });
      const http = auth.wrap(createTransport({ logger: silentLogger(), retry: { limit: 0 } }));

      expect((await http.request({ method: 'GET', url: `${server.url}/api` })).status).toBe(200);
      expect(server.calls[0]?.form.get('refresh_token')).toBe('refresh-initial');
      expect(fs.readFileSync(path.join(dir, 'refresh'), 'utf8').trim()).toBe('refresh-1');
      expect(fs.statSync(path.join(dir, 'refresh')).mode & 0o777).toBe(0o600);

      // The key file is rotated: the next refresh (the 1 s token has expired) uses the new secret.
      fs.writeFileSync(path.join(dir, 'client-secret'), 'secret-v2\n');
      const later = new Date(Date.now() + 5000);
      fs.utimesSync(path.join(dir, 'client-secret'), later, later);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await http.request({ method: 'GET', url: `${server.url}/api` })).status).toBe(200);
      expect(server.calls).toHaveLength(2);
      expect(server.calls[1]?.form.get('refresh_token')).toBe('refresh-1');
      const basic = Buffer.from(server.calls[1]?.authorization?.replace('Basic ', '') ?? '', 'base64').toString();
      expect(basic).toBe('id:secret-v2');
    } finally {
      cleanup();
    }
  });

  it('a refused grant is an OAuthError that names the OAuth error code, and no log line carries a token or secret', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'trace',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const provider = createTokenProvider({
      connector: 'crm',
      settings: settings(server),
      clientSecret: () => 'client-secret-value',
      request: createTokenRequester({ timeoutMs: 5000 }),
      logger,
    });
    const token = await provider.token();
    provider.invalidate(token);
    server.fail = { status: 400, error: 'invalid_client' };
    const error: unknown = await provider.token().catch((e: unknown) => e);
    expect(isOAuthError(error)).toBe(true);
    expect((error as Error).message).toContain('400 invalid_client');
    expect(lines.some((l) => l.includes('oauth token obtained'))).toBe(true);
    for (const secret of [token, 'client-secret-value']) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
  });
});
