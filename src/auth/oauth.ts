/**
 * OAuth 2.0 access tokens for a connector (RFC 6749): the client credentials grant (4.4) and the
 * refresh token grant (6). A token is reused until `refreshBeforeMs` before it expires (from
 * `expires_in`), refreshed once when the vendor answers 401, and every refresh is single-flight:
 * callers that need a token while one is being fetched wait for that same request.
 *
 * Tokens live in memory only: never logged, never written to the state file. A refresh token the
 * server rotates is handed to `onRefreshToken` (which writes it back to its secret file).
 */
import { z } from 'zod';
import { TandemError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The grant settings of one connector (the config's `auth.oauth2`, minus secret references). */
export interface OAuthSettings {
  readonly grant: 'client_credentials' | 'refresh_token';
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly scope?: string;
  readonly clientAuth: 'basic' | 'body';
  readonly refreshBeforeMs: number;
}

/** Posts a form to the token endpoint; resolves for every HTTP status. */
export type TokenRequester = (
  url: string,
  form: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>>,
) => Promise<{ readonly status: number; readonly body: unknown }>;

export interface OAuthOptions {
  readonly connector: string;
  readonly settings: OAuthSettings;
  readonly clientSecret: () => string;
  /** The refresh token as configured (read on each refresh, so a rotated file is used). */
  readonly refreshToken?: () => string;
  /** Called with a new refresh token when the server rotates it. */
  readonly onRefreshToken?: (token: string) => void;
  readonly request: TokenRequester;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** What the transport sees: a current access token, and a way to say the vendor refused one. */
export interface TokenProvider {
  token(): Promise<string>;
  /** Drops `token` if it is still the cached one, so the next `token()` fetches a fresh one. */
  invalidate(token: string): void;
}

/** The token endpoint refused or answered something unreadable. Carries no token. */
export class OAuthError extends TandemError {
  constructor(message: string, details: { connector: string; status?: number; error?: string }) {
    super('OAUTH_TOKEN_FAILED', message, details);
  }
}

export function isOAuthError(error: unknown): error is OAuthError {
  return error instanceof OAuthError;
}

// RFC 6749 5.1; some servers send expires_in as a string, so it is coerced.
const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});
// RFC 6749 5.2
const errorResponseSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/** Without `expires_in`, a token is assumed to last this long (RFC 6749 leaves it to the server). */
const DEFAULT_LIFETIME_MS = 3_600_000;

export function createTokenProvider(options: OAuthOptions): TokenProvider {
  const { settings, connector } = options;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ connector, tokenUrl: settings.tokenUrl });
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let rotatedRefreshToken: string | undefined;

  const fetchToken = async (): Promise<string> => {
    const { form, headers } = tokenRequest(options, rotatedRefreshToken);
    const started = now();
    const response = await options.request(settings.tokenUrl, form, headers);
    const token = tokenOf(connector, response);
    const lifetime = (token.expires_in ?? DEFAULT_LIFETIME_MS / 1000) * 1000;
    // A token shorter-lived than twice the margin would otherwise be refreshed on every call.
    const margin = Math.min(settings.refreshBeforeMs, lifetime / 2);
    cached = { token: token.access_token, refreshAt: started + lifetime - margin };
    if (token.refresh_token !== undefined && settings.grant === 'refresh_token') {
      rotatedRefreshToken = token.refresh_token;
      options.onRefreshToken?.(token.refresh_token);
    }
    log.info({ grant: settings.grant, expiresInS: Math.round(lifetime / 1000) }, 'oauth token obtained');
    return token.access_token;
  };

  return {
    token() {
      if (cached !== undefined && now() < cached.refreshAt) return Promise.resolve(cached.token);
      inFlight ??= fetchToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) {
        cached = undefined;
        log.info('oauth token refused by the vendor; refreshing');
      }
    },
  };
}

/** The token request's form and headers for the configured grant and client authentication. */
function tokenRequest(
  options: OAuthOptions,
  rotatedRefreshToken: string | undefined,
): { form: Record<string, string>; headers: Record<string, string> } {
  const { settings, connector } = options;
  const form: Record<string, string> = { grant_type: settings.grant };
  if (settings.grant === 'refresh_token') {
    const refresh = rotatedRefreshToken ?? options.refreshToken?.();
    if (refresh === undefined) throw new OAuthError(`${connector}: no refresh token configured`, { connector });
    form['refresh_token'] = refresh;
  }
  if (settings.scope !== undefined) form['scope'] = settings.scope;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.clientAuth === 'basic') {
    // RFC 6749 2.3.1: client id and secret are form-urlencoded before Basic encoding.
    const user = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(options.clientSecret())}`;
    headers['authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
  } else {
    form['client_id'] = settings.clientId;
    form['client_secret'] = options.clientSecret();
  }
  return { form, headers };
}

/** The token endpoint's answer, validated: a non-200 or an answer without `access_token` is an OAuthError. */
function tokenOf(connector: string, response: { status: number; body: unknown }): z.infer<typeof tokenResponseSchema> {
  if (response.status !== 200) {
    const parsed = errorResponseSchema.safeParse(response.body);
    const error = parsed.success ? parsed.data.error : undefined;
    throw new OAuthError(
      `${connector}: the token endpoint answered ${response.status}${error === undefined ? '' : ` ${error}`}`,
      { connector, status: response.status, ...(error === undefined ? {} : { error }) },
    );
  }
  const parsed = tokenResponseSchema.safeParse(response.body);
  if (!parsed.success) {
    throw new OAuthError(`${connector}: the token endpoint's answer has no access_token`, {
      connector,
      status: response.status,
    });
  }
  return parsed.data;
}
