/**
 * HubSpot's error bodies, as its OpenAPI `Error` schema and error-handling guide describe them:
 * `{ status: "error", message, correlationId, category, context?, errors?, links? }`.
 * https://developers.hubspot.com/docs/api-reference/error-handling
 * The 429 body follows the usage guidelines (`errorType`, `policyName`, `requestId`):
 * https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
 */
import { randomUUID } from 'node:crypto';

export interface ErrorDetail {
  readonly message: string;
  readonly code?: string;
  readonly in?: string;
}

export interface HubspotErrorBody {
  readonly status: 'error';
  readonly message: string;
  readonly correlationId: string;
  readonly category: string;
  readonly subCategory?: string;
  readonly context?: Record<string, string[]>;
  readonly errors?: ErrorDetail[];
  readonly links?: Record<string, string>;
}

/** Thrown by route handlers; the server's error handler renders it as HubSpot would. */
export class HubspotHttpError extends Error {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(statusCode: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(typeof body['message'] === 'string' ? body['message'] : `HTTP ${statusCode}`);
    this.statusCode = statusCode;
    this.body = body;
    this.headers = headers;
  }
}

export function errorBody(
  category: string,
  message: string,
  extra: Partial<Omit<HubspotErrorBody, 'status' | 'category' | 'message'>> = {},
): HubspotErrorBody {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

export function validationError(
  message: string,
  extra: Partial<Omit<HubspotErrorBody, 'status' | 'category' | 'message'>> = {},
): HubspotHttpError {
  return new HubspotHttpError(400, { ...errorBody('VALIDATION_ERROR', message, extra) });
}

/** A property-level problem, rendered the way HubSpot words `Property values were not valid`. */
export interface PropertyProblem {
  readonly name: string;
  readonly error: string;
  readonly message: string;
}

export function propertyProblemsMessage(problems: readonly PropertyProblem[]): string {
  const items = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.error,
    name: p.name,
    localizedErrorMessage: p.message,
  }));
  return `Property values were not valid: ${JSON.stringify(items)}`;
}

export function unauthorized(): HubspotHttpError {
  return new HubspotHttpError(401, {
    ...errorBody(
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    ),
  });
}

export function notFound(message = 'resource not found'): HubspotHttpError {
  return new HubspotHttpError(404, { ...errorBody('OBJECT_NOT_FOUND', message) });
}

/** HubSpot's names of the limits a 429 reports. */
export type RateLimitPolicyName = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

const RATE_LIMIT_MESSAGES: Readonly<Record<RateLimitPolicyName, string>> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
};

/**
 * A 429 as HubSpot sends it: the body names the limit in `policyName`, and there is no
 * `Retry-After` (HubSpot documents that header only for workflow callbacks); a client learns the
 * window from the `X-HubSpot-RateLimit-*` headers the response carries like any other.
 */
export function rateLimited(policyName: RateLimitPolicyName): HubspotHttpError {
  return new HubspotHttpError(429, {
    status: 'error',
    message: RATE_LIMIT_MESSAGES[policyName],
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName,
    requestId: randomUUID(),
  });
}

export function serverError(status: 500 | 502 | 503): HubspotHttpError {
  const message = status === 500 ? 'internal error' : status === 502 ? 'Bad Gateway' : 'Service Unavailable';
  // Guessed: HubSpot's 5xx bodies are not documented beyond "pause, then retry".
  return new HubspotHttpError(status, { ...errorBody('INTERNAL_ERROR', message) });
}
