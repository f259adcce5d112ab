/** The shapes the HTTP layer trades in: a request a connector sends, the response it gets back. */

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly searchParams?: URLSearchParams;
  /** The write is idempotent (upsert by key, read-only RPC): safe to retry even as a POST. */
  readonly idempotent?: boolean;
  /**
   * Statuses that are this request's final answer: never retried and never counted as an outage
   * (a refused login answers 401 or 429, and trying again only extends a lockout).
   */
  readonly finalStatuses?: readonly number[];
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

/** A retry about to happen, a request held by the rate limiter, or a final response or network failure. */
export interface HttpEvent {
  readonly connector: string;
  readonly event: 'retry' | 'response' | 'error' | 'hold';
  readonly status?: number;
  readonly code?: string;
}

/** One header as a number, or undefined when absent or not a number. */
export function numericHeader(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): number | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Drops query strings (they may carry keys) from URLs that reach logs. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?[redacted]`;
}
