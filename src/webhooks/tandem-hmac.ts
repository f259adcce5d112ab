/**
 * Tandem's generic webhook signature for senders without a scheme of their own, shaped like
 * Stripe's: `X-Tandem-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Several
 * `v1=` entries may be sent (a sender rotating its key signs with both).
 */
import crypto from 'node:crypto';

export const TANDEM_SIGNATURE_HEADER = 'x-tandem-signature';

export interface ParsedTandemSignature {
  /** Unix seconds. */
  readonly timestamp: number;
  readonly signatures: readonly string[];
}

/** Parses the header; undefined when it has no timestamp or no v1 signature. */
export function parseTandemSignature(header: string): ParsedTandemSignature | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at === -1) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

/** The hex signature of `body` at `timestamp` (unix seconds). */
export function signTandem(secret: string, timestamp: number, body: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The full header value for `body`, signed now (or at `timestamp`). */
export function tandemSignatureHeader(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${signTandem(secret, timestamp, body)}`;
}
