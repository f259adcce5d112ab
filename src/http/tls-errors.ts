/**
 * TLS failures said as TLS failures. Through got they arrive as network errors (`ECONNRESET`,
 * `ERR_SSL_...`), and a refused client certificate was retried like a dropped connection and
 * reported as "socket hang up". Here they become a {@link TlsError} naming the certificate (its
 * setting, file, subject and expiry), never retried: the next attempt would present the same one.
 */
import { X509Certificate } from 'node:crypto';
import { TandemError } from '../errors.js';

/** Where a connector's TLS material came from, for messages (`connectors.erp.tls.cert: certs/erp.pem`). */
export interface TlsLabels {
  readonly certificate?: string;
  readonly certificateAuthority?: string;
}

export type TlsErrorCode = 'TLS_CLIENT_CERT_REJECTED' | 'TLS_SERVER_CERT_UNTRUSTED';

export class TlsError extends TandemError {
  constructor(
    code: TlsErrorCode,
    message: string,
    details: { connector: string; method: string; url: string; cause: string; certificate?: string },
    cause?: unknown,
  ) {
    super(code, message, details, cause);
  }
}

// Alerts a server sends about the client's certificate (RFC 8446 6.2; OpenSSL's names, as Node's
// error codes carry them): bad_certificate 42, unsupported 43, revoked 44, expired 45, unknown 46,
// unknown_ca 48, access_denied 49, certificate_required 116.
const CLIENT_CERT_ALERT =
  /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_(BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_REVOKED|CERTIFICATE_EXPIRED|CERTIFICATE_UNKNOWN|UNKNOWN_CA|ACCESS_DENIED|CERTIFICATE_REQUIRED)$/;

// Node's own verification of the server's certificate (tls.connect's error codes).
const SERVER_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The TLS error codes: never retried, and not a sign the vendor is down. */
export const TLS_ERROR_CODES: ReadonlySet<string> = new Set<TlsErrorCode>([
  'TLS_CLIENT_CERT_REJECTED',
  'TLS_SERVER_CERT_UNTRUSTED',
]);

export interface FailedAttempt {
  readonly connector: string;
  readonly method: string;
  readonly url: string;
  /** got's error code (`ECONNRESET`, `ERR_SSL_...`, `CERT_HAS_EXPIRED`). */
  readonly code: string;
  readonly message: string;
  /** The PEM of the client certificate presented, if any. */
  readonly certificate?: string | undefined;
  readonly labels?: TlsLabels | undefined;
  /** The TLS handshake of this attempt completed (got's `timings.secureConnect`). */
  readonly handshakeDone: boolean;
}

/** The TLS error this failed attempt is, or undefined when it is not one. */
export function tlsFailure(attempt: FailedAttempt, cause?: unknown): TlsError | undefined {
  const { connector, method, url, code } = attempt;
  const details = { connector, method, url, cause: code };
  // A server that verifies the client certificate after the handshake (TLS 1.3; Node's and Go's
  // servers) may close the connection without an alert: a reset right after a completed handshake,
  // before any answer, while a certificate was presented. Read as a refusal (a judgement: a
  // genuine reset at that very moment would be reported so too, and the next run tries again).
  const silentRefusal = code === 'ECONNRESET' && attempt.handshakeDone && attempt.certificate !== undefined;
  if (CLIENT_CERT_ALERT.test(code) || silentRefusal) {
    const which = describeCertificate(attempt.certificate, attempt.labels?.certificate);
    const how = silentRefusal
      ? 'closed the connection right after the TLS handshake, as a server does when it refuses the client certificate'
      : `refused the client certificate (TLS alert ${code})`;
    return new TlsError(
      'TLS_CLIENT_CERT_REJECTED',
      `${connector}: TLS: ${method} ${url}: the server ${how}. Certificate presented: ${which}. Check that it is the one the vendor registered, signed by a CA it trusts, and not expired; not retried`,
      { ...details, certificate: which },
      cause,
    );
  }
  if (SERVER_CERT_CODES.has(code)) {
    const ca = attempt.labels?.certificateAuthority;
    return new TlsError(
      'TLS_SERVER_CERT_UNTRUSTED',
      `${connector}: TLS: ${method} ${url}: the server's certificate is not trusted (${code}: ${attempt.message}); ${ca === undefined ? `set connectors.${connector}.tls.ca to the CA that signed it` : `checked against ${ca}`}; not retried`,
      details,
      cause,
    );
  }
  return undefined;
}

/** `connectors.erp.tls.cert (certs/erp.pem): CN=tandem, valid until ...`, or "none" without one. */
export function describeCertificate(pem: string | undefined, label: string | undefined): string {
  if (pem === undefined) return 'none (no tls.cert configured)';
  let facts: string;
  try {
    const cert = new X509Certificate(pem);
    facts = `subject ${cert.subject.replace(/\n/g, ', ')}, issuer ${cert.issuer.replace(/\n/g, ', ')}, valid until ${new Date(cert.validTo).toISOString()}`;
  } catch {
    facts = 'not a readable PEM certificate';
  }
  return `${label ?? 'the client certificate'} (${facts})`;
}
