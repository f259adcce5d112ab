/**
 * The HTTP transport the engine injects into connectors: got, configured deliberately. got has
 * no request timeout and retries no POST by default; here every request has a timeout, and a
 * request is retried only when it is safe (GET, or a write the caller marks idempotent).
 * Retries use exponential backoff with full jitter and honour `Retry-After`.
 */
import diagnostics from 'node:diagnostics_channel';
import pThrottle from 'p-throttle';
import { got, RequestError, type Method, type RetryObject } from 'got';
import { TransportError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly searchParams?: URLSearchParams;
  /** The write is idempotent (upsert by key, read-only RPC): safe to retry even as a POST. */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON when the body is JSON, else the text; `undefined` when empty. */
  readonly body: unknown;
  /** The raw body text, for error excerpts. */
  readonly text: string;
}

/** Sends a request; resolves for every HTTP status, rejects with `TransportError` on network failure. */
export interface HttpTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export interface RetryPolicy {
  /** Retries after the first attempt. Default 4. */
  readonly limit: number;
  /** First backoff ceiling in ms; doubles each attempt. Default 250. */
  readonly baseDelayMs: number;
  /** Largest backoff in ms, and the largest `Retry-After` honoured. Default 30,000. */
  readonly maxDelayMs: number;
}

export interface TransportOptions {
  readonly logger: Logger;
  /** Per-request timeout in ms. Default 30,000. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly userAgent?: string;
  /** At most `requests` requests per `intervalMs` (a sliding window); unlimited when absent. */
  readonly rateLimit?: { readonly requests: number; readonly intervalMs: number };
  /** TLS settings, asked for on every request so rotated certificate files take effect. */
  readonly https?: () => HttpsSettings;
  /** The connector name carried by {@link HttpEvent}s. */
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
}

/**
 * The diagnostics channel every transport publishes {@link HttpEvent}s on: metrics subscribe to it
 * (node:diagnostics_channel, as undici does), so connectors and the transport stay free of them.
 */
export const HTTP_EVENTS_CHANNEL = 'tandem:http';

/** A retry about to happen, or a final response or network failure, of one connector's request. */
export interface HttpEvent {
  readonly connector: string;
  readonly event: 'retry' | 'response' | 'error';
  readonly status?: number;
  readonly code?: string;
}

const httpEvents = diagnostics.channel(HTTP_EVENTS_CHANNEL);

function publish(event: HttpEvent): void {
  if (httpEvents.hasSubscribers) httpEvents.publish(event);
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ limit: 4, baseDelayMs: 250, maxDelayMs: 30_000 });

const RETRY_STATUS = [408, 429, 500, 502, 503, 504, 521, 522, 524];
const RETRY_ERRORS = [
  'ETIMEDOUT',
  'ECONNRESET',
  'EADDRINUSE',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
];

/**
 * Reads `Retry-After` as seconds or as an HTTP date (RFC 9110 10.2.3); milliseconds to wait, or
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Full-jitter backoff: a random delay in [0, min(max, base * 2^attempt)], or the server's
 * `Retry-After` when it sent one. Returns 0 when got decided not to retry.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 1), policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(1, Math.floor(random() * ceiling));
}

export function createTransport(options: TransportOptions): HttpTransport {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const logger = options.logger;
  const limit = options.rateLimit;
  const slot =
    limit === undefined
      ? undefined
      : pThrottle({ limit: limit.requests, interval: limit.intervalMs, strict: true })(() => undefined);

  return {
    async request(request) {
      const methods: Method[] = request.idempotent || request.method === 'GET' ? [request.method] : [];
      const connector = options.connector ?? 'unknown';
      const https = options.https?.();
      try {
        const response = await got(request.url, {
          method: request.method,
          headers: { 'user-agent': options.userAgent ?? 'tandem/0.1', ...request.headers },
          ...(request.json === undefined ? {} : { json: request.json }),
          ...(request.searchParams === undefined ? {} : { searchParams: request.searchParams }),
          ...(request.signal === undefined ? {} : { signal: request.signal }),
          ...(https === undefined ? {} : { https }),
          throwHttpErrors: false,
          responseType: 'text',
          timeout: { request: timeoutMs },
          retry: {
            limit: policy.limit,
            methods,
            statusCodes: RETRY_STATUS,
            errorCodes: RETRY_ERRORS,
            maxRetryAfter: policy.maxDelayMs,
            calculateDelay: ({ attemptCount, computedValue, error }: RetryObject) =>
              computedValue === 0
                ? 0
                : backoffDelay(attemptCount, policy, parseRetryAfter(error.response?.headers['retry-after'])),
          },
          hooks: {
            beforeRequest: slot === undefined ? [] : [async () => void (await slot())],
            beforeRetry: [
              (error, retryCount) => {
                publish({ connector, event: 'retry', ...eventDetail(error.response?.statusCode, error.code) });
                logger.warn(
                  {
                    method: request.method,
                    url: redactUrl(request.url),
                    retry: retryCount,
                    status: error.response?.statusCode,
                    code: error.code,
                  },
                  'retrying request',
                );
              },
            ],
          },
        });
        const text = response.body;
        publish({ connector, event: 'response', status: response.statusCode });
        return {
          status: response.statusCode,
          headers: response.headers,
          body: parseBody(text, response.headers['content-type']),
          text,
        };
      } catch (error) {
        if (error instanceof RequestError) {
          publish({ connector, event: 'error', code: error.code });
          throw new TransportError(
            `${request.method} ${redactUrl(request.url)} failed: ${error.code} ${error.message}`,
            {
              url: redactUrl(request.url),
              method: request.method,
              cause: error.code,
            },
            error,
          );
        }
        throw error;
      }
    },
  };
}

function eventDetail(status: number | undefined, code: string | undefined): { status?: number; code?: string } {
  return { ...(status === undefined ? {} : { status }), ...(code === undefined ? {} : { code }) };
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

/** Drops query strings (they may carry keys) from URLs that reach logs. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?[redacted]`;
}
