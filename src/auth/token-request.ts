/**
 * The default {@link TokenRequester}: a form POST with got, with a timeout, no retries of its
 * own (a failed refresh surfaces on the request that needed it), and the connector's TLS options
 * (a token endpoint may require the same client certificate).
 */
import { got } from 'got';
import type { HttpsSettings } from '../http/transport.js';
import type { TokenRequester } from './oauth.js';

export function createTokenRequester(options: {
  readonly timeoutMs: number;
  readonly https?: () => HttpsSettings;
}): TokenRequester {
  return async (url, form, headers) => {
    // `labels` only name the files in Tandem's own messages; got takes the rest.
    const { labels: _labels, ...https } = options.https?.() ?? {};
    const response = await got.post(url, {
      form,
      headers,
      ...(options.https === undefined ? {} : { https }),
      throwHttpErrors: false,
      responseType: 'text',
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 },
    });
    let body: unknown = response.body;
    try {
      body = JSON.parse(response.body) as unknown;
    } catch {
      // Not JSON: kept as text so the error says what came back.
    }
    return { status: response.statusCode, body };
  };
}
