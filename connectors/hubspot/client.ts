/**
 * HubSpot requests over the injected transport: the bearer token read fresh for every request,
 * and HubSpot's error bodies turned into `VendorError` (status, category, body excerpt;
 * retryable for 429 and 5xx). Responses are validated by the caller's zod schema.
 */
import type { z } from 'zod';
import { VendorError } from '../../src/errors.js';
import type { HttpResponse } from '../../src/http/transport.js';
import type { ConnectorContext } from '../types.js';
import { errorBodySchema, parseResponse } from './schemas.js';

export interface HubspotRequest {
  readonly method: 'GET' | 'POST';
  /** Path below the base URL, e.g. `/crm/v3/objects/contacts/search`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  /** Statuses that are answers, not errors. Default [200]. */
  readonly ok?: readonly number[];
  /** Safe to retry as a POST (search, batch read, upsert, update by id, archive). */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
}

export interface HubspotClient {
  readonly name: string;
  /** Sends the request; throws `VendorError` for an error status, `TransportError` for a network failure. */
  send(request: HubspotRequest): Promise<HttpResponse>;
  /** Sends and validates the body against `schema`. */
  call<T>(request: HubspotRequest, schema: z.ZodType<T>): Promise<{ status: number; body: T }>;
}

const EXCERPT = 500;

export function endpointOf(request: Pick<HubspotRequest, 'method' | 'path'>): string {
  return `${request.method} ${request.path}`;
}

/** Maps an error response to a `VendorError`; `code` is the HubSpot category (`RATE_LIMITED` for 429). */
export function toVendorError(connector: string, endpoint: string, response: HttpResponse): VendorError {
  const parsed = errorBodySchema.safeParse(response.body);
  const body = parsed.success ? parsed.data : {};
  const retryable = response.status === 429 || response.status >= 500;
  const daily = response.status === 429 && body.policyName === 'DAILY';
  const code = daily
    ? 'DAILY_LIMIT'
    : response.status === 429
      ? 'RATE_LIMITED'
      : (body.category ?? `HTTP_${response.status}`);
  const detail = [body.category, body.policyName, body.message].filter((part) => part !== undefined).join(': ');
  // A used-up daily quota is not retried: the connector's circuit opens until the quota resets.
  const hint = daily
    ? "; HubSpot's daily API limit is used up until midnight in the account's time zone: syncs against it pause until then"
    : '';
  return new VendorError(
    `${connector}: ${endpoint} failed with ${response.status}${detail === '' ? '' : ` ${detail}`}${hint}`,
    {
      connector,
      endpoint,
      status: response.status,
      body: response.text.slice(0, EXCERPT),
      retryable,
      code,
    },
  );
}

/**
 * Plain I/O: HubSpot's rate limits (the 10-second window, search's 5 per second, the
 * `X-HubSpot-RateLimit-*` headers, a 429's `policyName`) are kept by the engine's request policy,
 * from the description in rate-limits.ts.
 */
export function createHubspotClient(name: string, baseUrl: string, ctx: ConnectorContext): HubspotClient {
  const root = baseUrl.replace(/\/+$/, '');
  const client: HubspotClient = {
    name,
    async send(request) {
      const endpoint = endpointOf(request);
      const response = await ctx.http.request({
        method: request.method,
        url: `${root}${request.path}`,
        headers: { authorization: `Bearer ${ctx.secret('token')}`, accept: 'application/json' },
        ...(request.json === undefined ? {} : { json: request.json }),
        ...(request.query === undefined ? {} : { searchParams: new URLSearchParams(request.query) }),
        ...(request.idempotent === undefined ? {} : { idempotent: request.idempotent }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      if (!(request.ok ?? [200]).includes(response.status)) throw toVendorError(name, endpoint, response);
      return response;
    },
    async call(request, schema) {
      const response = await client.send(request);
      return { status: response.status, body: parseResponse(schema, response.body, name, endpointOf(request)) };
    },
  };
  return client;
}
