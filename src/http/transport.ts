/**
 * The HTTP transport the engine injects into connectors: got does the I/O only (no retries of
 * its own); every request runs under the connector's one resilience policy (policy.ts: breaker,
 * retry with backoff and `Retry-After`, the vendor's rate limits, a per-attempt timeout). A
 * request is retried only when it is safe (GET, or a write the caller marks idempotent), and a
 * response body is capped while it streams (`maxResponseBytes`).
 */
import diagnostics from 'node:diagnostics_channel';
import { got, RequestError } from 'got';
import { TransportError } from '../errors.js';
import { tlsFailure, type TlsLabels } from './tls-errors.js';
import type { Logger } from '../logger.js';
import { ResponseTooLargeError } from './errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-cap.js';
import { observePolicy } from './policy-events.js';
import { RequestPolicy, type CircuitHandle, type Outcome, type RetrySettings } from './policy.js';
import { redactUrl, type HttpEvent, type HttpRequest, type HttpTransport } from './types.js';
import { singleWindow, type VendorLimits } from './vendor-limits.js';

export type { HttpEvent, HttpRequest, HttpResponse, HttpTransport } from './types.js';
export { redactUrl } from './types.js';
export { backoffDelay, DEFAULT_RETRY, type RetrySettings } from './policy.js';
export { parseRetryAfter } from './verdict.js';

export { DEFAULT_MAX_RESPONSE_BYTES } from './response-cap.js';

export interface TransportOptions {
  readonly logger: Logger;
  /** Per-attempt timeout in ms. Default 30,000. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetrySettings>;
  readonly userAgent?: string;
  /** At most `requests` requests per `intervalMs` (a sliding window); unlimited when absent. */
  readonly rateLimit?: { readonly requests: number; readonly intervalMs: number };
  /** The vendor's documented limits and how to read its rate-limit signals; wins over `rateLimit`. */
  readonly limits?: VendorLimits;
  /** The connector's circuit breaker, outermost in the policy. */
  readonly circuit?: CircuitHandle;
  /** Largest response body accepted, in bytes; the download is aborted past it. Default 64 MiB. */
  readonly maxResponseBytes?: number;
  /** TLS settings, asked for on every request so rotated certificate files take effect. */
  readonly https?: () => HttpsSettings;
  /** The connector name carried by `HttpEvent`s and errors. */
  readonly connector?: string;
}

/** TLS options for got (`https:`): client certificate and key (mTLS), CA, verification. */
export interface HttpsSettings {
  readonly certificate?: string;
  readonly key?: string;
  readonly passphrase?: string;
  readonly certificateAuthority?: string;
  /** False only through a connector's explicit `tls.dangerouslyDisableVerification`. */
  readonly rejectUnauthorized?: boolean;
  /** Where the certificate and CA came from, for TLS error messages; not passed to got. */
  readonly labels?: TlsLabels;
}

/**
 * The diagnostics channel every transport publishes `HttpEvent`s on: metrics subscribe to it
 * (node:diagnostics_channel, as undici does), so connectors and the transport stay free of them.
 */
export const HTTP_EVENTS_CHANNEL = 'tandem:http';

const httpEvents = diagnostics.channel(HTTP_EVENTS_CHANNEL);

/** Publishes on {@link HTTP_EVENTS_CHANNEL} when someone listens. */
export function publishHttpEvent(event: HttpEvent): void {
  if (httpEvents.hasSubscribers) httpEvents.publish(event);
}

export function createTransport(options: TransportOptions): HttpTransport {
  const connector = options.connector ?? 'unknown';
  const cap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const limits = options.limits ?? (options.rateLimit === undefined ? undefined : singleWindow(options.rateLimit));
  const policy = new RequestPolicy({
    connector,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(limits === undefined ? {} : { limits }),
    ...(options.circuit === undefined ? {} : { circuit: options.circuit }),
  });
  observePolicy(policy, { connector, logger: options.logger, publish: publishHttpEvent });

  return {
    async request(request) {
      const attempt = await policy.run(request, (signal) => send(options, cap, request, signal));
      if (attempt.kind === 'failed') {
        publishHttpEvent({ connector, event: 'error', code: attempt.error.code });
        throw attempt.error;
      }
      publishHttpEvent({ connector, event: 'response', status: attempt.response.status });
      return attempt.response;
    },
  };
}

/** One attempt, with no retry of got's own; the body is capped while it streams. */
async function send(
  options: TransportOptions,
  cap: number,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<Outcome> {
  const { labels, ...https } = options.https?.() ?? {};
  const tls = options.https === undefined ? undefined : { labels, certificate: https.certificate };
  let received = 0;
  let tooLarge = false;
  const pending = got(request.url, {
    method: request.method,
    headers: { 'user-agent': options.userAgent ?? 'tandem/0.1', ...request.headers },
    ...(request.json === undefined ? {} : { json: request.json }),
    ...(request.searchParams === undefined ? {} : { searchParams: request.searchParams }),
    ...(options.https === undefined ? {} : { https }),
    signal,
    throwHttpErrors: false,
    responseType: 'text',
    retry: { limit: 0 },
  });
  // Enforced while the body streams: a vendor's 1 GB answer is cut at the cap, never buffered whole.
  const refuse = (bytes: number): void => {
    if (tooLarge) return;
    tooLarge = true;
    received = bytes;
    pending.cancel();
  };
  // `total` is the announced Content-Length: a body declared over the cap is refused before it is read.
  // (`on` returns the request promise itself, which is awaited below.)
  void pending.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
    if (progress.total !== undefined && progress.total > cap) refuse(progress.total);
    else if (progress.transferred > cap) refuse(progress.transferred);
  });
  try {
    const response = await pending;
    return {
      kind: 'response',
      response: {
        status: response.statusCode,
        headers: response.headers,
        body: parseBody(response.body, response.headers['content-type']),
        text: response.body,
      },
    };
  } catch (error) {
    const connector = options.connector ?? 'unknown';
    if (tooLarge) {
      const details = {
        connector,
        method: request.method,
        url: redactUrl(request.url),
        capBytes: cap,
        receivedBytes: received,
      };
      return { kind: 'failed', error: new ResponseTooLargeError(details), code: 'RESPONSE_TOO_LARGE' };
    }
    if (!(error instanceof RequestError)) throw error;
    return requestFailed(error, request, signal, { connector, ...tls });
  }
}

/** A request that got could not complete, as a failed outcome; the policy's own abort is a timeout. */
function requestFailed(
  error: RequestError,
  request: HttpRequest,
  signal: AbortSignal,
  tls: { connector: string; labels?: TlsLabels | undefined; certificate?: string | undefined },
): Outcome {
  const url = redactUrl(request.url);
  // The policy's timeout aborted the attempt (the caller's own signal did not): a timeout.
  const code =
    error.code === 'ERR_ABORTED' && request.signal?.aborted !== true && signal.aborted ? 'ETIMEDOUT' : error.code;
  const message = code === 'ETIMEDOUT' && error.code === 'ERR_ABORTED' ? 'request timed out' : error.message;
  const handshakeDone = error.timings?.secureConnect !== undefined && error.timings.response === undefined;
  const failure = tlsFailure({ ...tls, method: request.method, url, code, message, handshakeDone }, error);
  if (failure !== undefined) return { kind: 'failed', code: failure.code, error: failure };
  return {
    kind: 'failed',
    code,
    error: new TransportError(
      `${request.method} ${url} failed: ${code} ${message}`,
      { url, method: request.method, cause: code },
      error,
    ),
  };
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text.length === 0) return undefined;
  if (contentType?.includes('json') || text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
