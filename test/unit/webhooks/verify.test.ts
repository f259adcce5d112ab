import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hubspotUri, signHubspotV3 } from '../../../src/webhooks/hubspot-v3.js';
import { parseTandemSignature, tandemSignatureHeader } from '../../../src/webhooks/tandem-hmac.js';
import { createWebhookVerifier, type IncomingWebhook } from '../../../src/webhooks/verify.js';

const SECRET = 'app-client-secret';
const URL = 'https://tandem.example.com/webhooks/crm';
const BODY = JSON.stringify([{ objectId: 123, subscriptionType: 'contact.propertyChange', propertyName: 'email' }]);

/** HubSpot's documented recipe, written out independently of the code under test. */
function hubspotReference(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return crypto.createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`).digest('base64');
}

function hubspotRequest(at: number, overrides: Partial<IncomingWebhook> = {}, secret = SECRET): IncomingWebhook {
  const timestamp = String(at);
  return {
    method: 'POST',
    url: URL,
    body: BODY,
    headers: {
      'x-hubspot-signature-v3': hubspotReference(secret, 'POST', URL, BODY, timestamp),
      'x-hubspot-request-timestamp': timestamp,
    },
    ...overrides,
  };
}

describe('HubSpot v3 signatures', () => {
  const now = 1_750_000_000_000;

  it('accepts a valid request, once', async () => {
    const verifier = createWebhookVerifier(
      { scheme: 'hubspot-v3', toleranceMs: 300_000 },
      () => SECRET,
      () => now,
    );
    expect(await verifier.verify(hubspotRequest(now - 1000))).toEqual({ ok: true });
    expect(await verifier.verify(hubspotRequest(now - 1000))).toEqual({ ok: false, reason: 'replayed' });
  });

  it('rejects a tampered body, method, URL or secret', async () => {
    const verifier = createWebhookVerifier(
      { scheme: 'hubspot-v3', toleranceMs: 300_000 },
      () => SECRET,
      () => now,
    );
    expect(await verifier.verify(hubspotRequest(now, { body: BODY.replace('123', '124') }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await verifier.verify(hubspotRequest(now, { method: 'PUT' }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await verifier.verify(hubspotRequest(now, { url: `${URL}?x=1` }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await verifier.verify(hubspotRequest(now, {}, 'another-secret'))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a request signed more than 5 minutes ago (or in the future) even when the signature is right', async () => {
    const verifier = createWebhookVerifier(
      { scheme: 'hubspot-v3', toleranceMs: 300_000 },
      () => SECRET,
      () => now,
    );
    expect(await verifier.verify(hubspotRequest(now - 300_001))).toEqual({ ok: false, reason: 'stale' });
    expect(await verifier.verify(hubspotRequest(now + 300_001))).toEqual({ ok: false, reason: 'stale' });
    expect(await verifier.verify(hubspotRequest(now - 299_000))).toEqual({ ok: true });
  });

  it('rejects a request without the headers', async () => {
    const verifier = createWebhookVerifier(
      { scheme: 'hubspot-v3', toleranceMs: 300_000 },
      () => SECRET,
      () => now,
    );
    expect(await verifier.verify({ method: 'POST', url: URL, body: BODY, headers: {} })).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
  });

  it('decodes the characters HubSpot decodes in the URI before signing', async () => {
    expect(hubspotUri('https://h/webhooks/crm?a=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B&b=%20%26')).toBe(
      "https://h/webhooks/crm?a=:/?@!$'()*,;&b=%20%26",
    );
    const encoded = `${URL}?portal=%40acme`;
    const signature = hubspotReference(SECRET, 'POST', `${URL}?portal=@acme`, BODY, '1');
    expect(signHubspotV3(SECRET, { method: 'POST', uri: encoded, body: BODY, timestamp: '1' })).toBe(signature);
  });

  it('uses a rotated secret at once', async () => {
    let secret = 'old';
    const verifier = createWebhookVerifier(
      { scheme: 'hubspot-v3', toleranceMs: 300_000 },
      () => secret,
      () => now,
    );
    expect(await verifier.verify(hubspotRequest(now, {}, 'old'))).toEqual({ ok: true });
    secret = 'new';
    expect(await verifier.verify(hubspotRequest(now - 1, {}, 'old'))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await verifier.verify(hubspotRequest(now - 2, {}, 'new'))).toEqual({ ok: true });
  });
});

describe('Tandem HMAC signatures (X-Tandem-Signature: t=..,v1=..)', () => {
  const nowS = 1_750_000_000;
  const verifier = () =>
    createWebhookVerifier(
      { scheme: 'hmac-sha256', toleranceMs: 300_000 },
      () => SECRET,
      () => nowS * 1000,
    );
  const request = (header: string, body = BODY): IncomingWebhook => ({
    method: 'POST',
    url: URL,
    body,
    headers: { 'x-tandem-signature': header },
  });

  it('accepts a valid signature once; a replay is refused', async () => {
    const v = verifier();
    const header = tandemSignatureHeader(SECRET, BODY, nowS);
    const expected = crypto.createHmac('sha256', SECRET).update(`${nowS}.${BODY}`).digest('hex');
    expect(header).toBe(`t=${nowS},v1=${expected}`);
    expect(await v.verify(request(header))).toEqual({ ok: true });
    expect(await v.verify(request(header))).toEqual({ ok: false, reason: 'replayed' });
  });

  it('rejects tampered bodies, moved timestamps, stale and malformed headers', async () => {
    const v = verifier();
    const header = tandemSignatureHeader(SECRET, BODY, nowS);
    expect(await v.verify(request(header, `${BODY} `))).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await v.verify(request(header.replace(`t=${nowS}`, `t=${nowS + 1}`)))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await v.verify(request(tandemSignatureHeader(SECRET, BODY, nowS - 301)))).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(await v.verify(request('v1=abc'))).toEqual({ ok: false, reason: 'missing-signature' });
  });

  it('accepts any of several v1 signatures (a sender rotating its key signs with both)', async () => {
    const old = tandemSignatureHeader('old-secret', BODY, nowS);
    const current = tandemSignatureHeader(SECRET, BODY, nowS).split(',')[1];
    expect(parseTandemSignature(`${old},${current}`)?.signatures).toHaveLength(2);
    expect(await verifier().verify(request(`${old},${current}`))).toEqual({ ok: true });
    expect(await verifier().verify(request(old))).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
