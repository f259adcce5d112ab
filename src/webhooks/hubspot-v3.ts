/**
 * HubSpot's v3 request signature. `X-HubSpot-Signature-v3` is the base64 HMAC-SHA256, keyed
 * with the app's client secret, of method + URI + body + `X-HubSpot-Request-Timestamp` (epoch
 * ms); requests whose timestamp is older than 5 minutes are to be rejected. The URI is the full
 * URL HubSpot called, with a documented set of percent-encoded characters decoded.
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 */
import crypto from 'node:crypto';

export const HUBSPOT_SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';

// HubSpot's list of encoded characters to decode in the URI before signing.
const DECODE: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** Decodes the characters HubSpot decodes before signing; leaves every other escape as sent. */
export function hubspotUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => DECODE[match.toUpperCase()] ?? match);
}

export interface SignedParts {
  readonly method: string;
  /** The full URL as the sender called it: `https://host/path?query`. */
  readonly uri: string;
  readonly body: string;
  /** Epoch milliseconds, as sent in the timestamp header. */
  readonly timestamp: string;
}

/** The v3 signature of a request (what HubSpot sends; the e2e test signs with it too). */
export function signHubspotV3(secret: string, parts: SignedParts): string {
  const source = `${parts.method.toUpperCase()}${hubspotUri(parts.uri)}${parts.body}${parts.timestamp}`;
  return crypto.createHmac('sha256', secret).update(source, 'utf8').digest('base64');
}
