/**
 * Puts OAuth 2.0 on a transport: every request carries the provider's current access token in
 * `Authorization` (replacing whatever the connector set), and a 401 is retried once with a
 * freshly fetched token (RFC 6750 3.1: `invalid_token` means "get a new one").
 */
import type { HttpRequest, HttpTransport } from '../http/transport.js';
import type { TokenProvider } from './oauth.js';

function withToken(request: HttpRequest, token: string): HttpRequest {
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'),
  );
  return { ...request, headers: { ...headers, authorization: `Bearer ${token}` } };
}

/** Wraps `transport` so its requests authenticate with `provider`'s tokens. */
export function withOAuth(transport: HttpTransport, provider: TokenProvider): HttpTransport {
  return {
    async request(request) {
      const token = await provider.token();
      const response = await transport.request(withToken(request, token));
      if (response.status !== 401) return response;
      provider.invalidate(token);
      return transport.request(withToken(request, await provider.token()));
    },
  };
}
