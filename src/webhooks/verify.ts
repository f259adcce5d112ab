/**
 * Verifies one incoming webhook request against its connector's scheme: the signature (compared
 * in constant time), the timestamp window (too old or too far in the future: stale), and replay
 * (a signature already accepted inside the window is refused). The replay memory is injected: the
 * daemon keeps it in the state store, so a captured request is refused after a restart too.
 */
import crypto from 'node:crypto';
import type { WebhookConfig } from '../config/schema.js';
import { HUBSPOT_SIGNATURE_HEADER, HUBSPOT_TIMESTAMP_HEADER, signHubspotV3 } from './hubspot-v3.js';
import { TANDEM_SIGNATURE_HEADER, parseTandemSignature, signTandem } from './tandem-hmac.js';

export interface IncomingWebhook {
  readonly method: string;
  /** The full URL as the sender called it (the server's public URL + path and query). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body, exactly as received: the signature covers these bytes. */
  readonly body: string;
}

export type RejectReason = 'missing-signature' | 'bad-signature' | 'stale' | 'replayed';

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: RejectReason };

export interface WebhookVerifier {
  verify(request: IncomingWebhook): Promise<Verdict>;
}

/** Where accepted signatures are kept until their window passes (the state store, in the daemon). */
export interface ReplayMemory {
  /** Keeps `signature` until `expiresAtMs`; false when it is kept already (a replay). */
  remember(signature: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
}

/** A replay memory inside this process only (tests, tools); the daemon uses the state store's. */
export function memoryReplay(): ReplayMemory {
  const seen = new Map<string, number>();
  return {
    remember(signature, expiresAtMs, nowMs) {
      for (const [key, expires] of seen) if (expires < nowMs) seen.delete(key);
      if (seen.has(signature)) return Promise.resolve(false);
      seen.set(signature, expiresAtMs);
      return Promise.resolve(true);
    },
  };
}

function header(request: IncomingWebhook, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

export function createWebhookVerifier(
  settings: Pick<WebhookConfig, 'scheme' | 'toleranceMs'>,
  secret: () => string,
  now: () => number = Date.now,
  replay: ReplayMemory = memoryReplay(),
): WebhookVerifier {
  // Signatures accepted, until they leave the window (then the timestamp check refuses them).
  const remember = async (signature: string, timestampMs: number): Promise<Verdict> =>
    (await replay.remember(signature, timestampMs + settings.toleranceMs, now()))
      ? { ok: true }
      : { ok: false, reason: 'replayed' };
  const fresh = (timestampMs: number): boolean => Math.abs(now() - timestampMs) <= settings.toleranceMs;

  return {
    async verify(request) {
      if (settings.scheme === 'hubspot-v3') {
        const signature = header(request, HUBSPOT_SIGNATURE_HEADER);
        const timestamp = header(request, HUBSPOT_TIMESTAMP_HEADER);
        if (signature === undefined || timestamp === undefined || !/^\d+$/.test(timestamp)) {
          return { ok: false, reason: 'missing-signature' };
        }
        const expected = signHubspotV3(secret(), { ...request, uri: request.url, timestamp });
        if (!equal(expected, signature)) return { ok: false, reason: 'bad-signature' };
        if (!fresh(Number(timestamp))) return { ok: false, reason: 'stale' };
        return remember(signature, Number(timestamp));
      }
      const raw = header(request, TANDEM_SIGNATURE_HEADER);
      const parsed = raw === undefined ? undefined : parseTandemSignature(raw);
      if (parsed === undefined) return { ok: false, reason: 'missing-signature' };
      const expected = signTandem(secret(), parsed.timestamp, request.body);
      const match = parsed.signatures.find((candidate) => equal(candidate, expected));
      if (match === undefined) return { ok: false, reason: 'bad-signature' };
      if (!fresh(parsed.timestamp * 1000)) return { ok: false, reason: 'stale' };
      return remember(match, parsed.timestamp * 1000);
    },
  };
}
