import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConnectorAuth } from '../../../src/auth/connector-auth.js';
import { connectorBaseSchema } from '../../../src/config/schema.js';
import { isTandemError } from '../../../src/errors.js';
import { createTransport } from '../../../src/http/transport.js';
import { createLogger, silentLogger } from '../../../src/logger.js';
import { tempDir } from '../../helpers/tmp.js';

const openssl = (dir: string, ...args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
};

/** A CA, a server certificate for 127.0.0.1, and client certificates signed by the CA. */
function makeCertificates(dir: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Tandem Test CA',
  );
  const issue = (name: string, cn: string, ext: string): void => {
    openssl(
      dir,
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    );
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  };
  issue('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('client-a', 'tandem-client-a', 'extendedKeyUsage=clientAuth\n');
  issue('client-b', 'tandem-client-b', 'extendedKeyUsage=clientAuth\n');
  // A client certificate from a CA the server does not trust: the server rejects it.
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'other-ca.key',
    '-out',
    'other-ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Some Other CA',
  );
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'stranger.key',
    '-out',
    'stranger.csr',
    '-subj',
    '/CN=tandem-stranger',
  );
  fs.writeFileSync(path.join(dir, 'stranger.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'stranger.csr',
    '-CA',
    'other-ca.pem',
    '-CAkey',
    'other-ca.key',
    '-CAcreateserial',
    '-out',
    'stranger.pem',
    '-days',
    '2',
    '-extfile',
    'stranger.ext',
  );
}

describe('mTLS against a local TLS server that requires a client certificate', () => {
  const { dir, cleanup } = tempDir();
  let server: https.Server;
  let url = '';

  beforeAll(async () => {
    makeCertificates(dir);
    fs.copyFileSync(path.join(dir, 'client-a.pem'), path.join(dir, 'client.pem'));
    fs.copyFileSync(path.join(dir, 'client-a.key'), path.join(dir, 'client.key'));
    server = https.createServer(
      {
        key: fs.readFileSync(path.join(dir, 'server.key')),
        cert: fs.readFileSync(path.join(dir, 'server.pem')),
        ca: fs.readFileSync(path.join(dir, 'ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ client: peer.subject.CN }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/whoami`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    cleanup();
  });

  const transportFor = (tls: Record<string, unknown>, logger = silentLogger(), limit = 0) => {
    const base = connectorBaseSchema.parse({ kind: 'hubspot', tls });
    const auth = buildConnectorAuth('erp', base, { configFile: path.join(dir, 'config.yaml'), logger });
    return createTransport({
      logger,
      connector: 'erp',
      retry: { limit, baseDelayMs: 1, maxDelayMs: 5 },
      timeoutMs: 5000,
      ...(auth.https === undefined ? {} : { https: auth.https }),
    });
  };

  it('presents the configured client certificate and trusts the configured CA', async () => {
    const response = await transportFor({ cert: 'client.pem', key: 'client.key', ca: 'ca.pem' }).request({
      method: 'GET',
      url,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ client: 'tandem-client-a' });
  });

  it('is refused without a client certificate', async () => {
    const error: unknown = await transportFor({ ca: 'ca.pem' })
      .request({ method: 'GET', url })
      .catch((e: unknown) => e);
    expect(isTandemError(error) && error.code).toBe('TLS_CLIENT_CERT_REJECTED');
  });

  it('verifies the server: without the CA the private certificate is rejected', async () => {
    const error: unknown = await transportFor({ cert: 'client.pem', key: 'client.key' })
      .request({ method: 'GET', url })
      .catch((e: unknown) => e);
    expect(isTandemError(error) && error.code).toBe('TLS_SERVER_CERT_UNTRUSTED');
    expect(String((error as Error).message)).toMatch(
      /^erp: TLS: .*the server's certificate is not trusted .*set connectors\.erp\.tls\.ca/,
    );
  });

  it('turns verification off only through dangerouslyDisableVerification, logged at error level', async () => {
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
    const transport = transportFor(
      { cert: 'client.pem', key: 'client.key', dangerouslyDisableVerification: true },
      logger,
    );
    expect((await transport.request({ method: 'GET', url })).status).toBe(200);
    const warning = lines.find((l) => String(l['msg']).includes('TLS VERIFICATION IS DISABLED'));
    expect(warning).toMatchObject({
      level: 50,
      connector: 'erp',
      setting: 'connectors.erp.tls.dangerouslyDisableVerification',
    });
  });

  it('uses a rotated certificate and key as soon as the files change, without a restart', async () => {
    const transport = transportFor({ cert: 'client.pem', key: 'client.key', ca: 'ca.pem' });
    expect((await transport.request({ method: 'GET', url })).body).toEqual({ client: 'tandem-client-a' });
    fs.copyFileSync(path.join(dir, 'client-b.pem'), path.join(dir, 'client.pem'));
    fs.copyFileSync(path.join(dir, 'client-b.key'), path.join(dir, 'client.key'));
    const later = new Date(Date.now() + 10_000);
    fs.utimesSync(path.join(dir, 'client.pem'), later, later);
    fs.utimesSync(path.join(dir, 'client.key'), later, later);
    expect((await transport.request({ method: 'GET', url })).body).toEqual({ client: 'tandem-client-b' });
  });

  it('a client certificate the server refuses: a TLS error naming the certificate, tried once', async () => {
    let handshakes = 0;
    server.on('secureConnection', () => void (handshakes += 1));
    const counted = (): number => handshakes + failedHandshakes;
    let failedHandshakes = 0;
    server.on('tlsClientError', () => void (failedHandshakes += 1));
    // Signed by a CA the server does not trust; and no certificate at all. Retries allowed (3).
    for (const [tls, which] of [
      [
        { cert: 'stranger.pem', key: 'stranger.key', ca: 'ca.pem' },
        /connectors\.erp\.tls\.cert: stranger\.pem \(subject CN=tandem-stranger, issuer CN=Some Other CA, valid until 20\d\d-/,
      ],
      [{ ca: 'ca.pem' }, /none \(no tls\.cert configured\)/],
    ] as const) {
      const before = counted();
      const error: unknown = await transportFor(tls, silentLogger(), 3)
        .request({ method: 'GET', url })
        .catch((e: unknown) => e);
      expect(isTandemError(error) && error.code).toBe('TLS_CLIENT_CERT_REJECTED');
      expect((error as Error).message).toMatch(/^erp: TLS: GET https:\/\/127\.0\.0\.1:\d+\/whoami: the server /);
      expect((error as Error).message).toMatch(which);
      expect((error as Error).message).not.toMatch(/socket hang up/);
      // Let the server's side of the refused handshake report itself before counting.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(counted() - before).toBe(1);
    }
  });

  it('refuses a certificate without its key, and a missing file, at build time', () => {
    expect(() => transportFor({ cert: 'client.pem' })).toThrow(/needs both cert and key/);
    expect(() => transportFor({ cert: 'nope.pem', key: 'client.key' })).toThrow(
      /connectors\.erp\.tls\.cert: cannot read/,
    );
  });
});
