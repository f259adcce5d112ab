/**
 * `POST /webhooks/:connector`: a verified event asks for an immediate, coalesced run of the syncs
 * using that connector and refreshes the silence watch; anything unverified gets 401 and one log
 * line, and changes nothing. The reason for a refusal is logged, never told to the caller.
 */
import type { ServerDeps } from './deps.js';
import type { Handler } from './health-routes.js';
import { HttpError } from './http-error.js';
import { connectorParamsSchema } from './schemas.js';

export function webhookHandlers(deps: ServerDeps): Record<string, Handler> {
  return {
    receiveWebhook: async (request, reply) => {
      const params = connectorParamsSchema.safeParse(request.params);
      const connector = params.success ? params.data.connector : '';
      const verifier = deps.webhooks().get(connector);
      if (verifier === undefined) {
        throw new HttpError(404, 'NO_WEBHOOKS', `no webhooks are configured for "${connector}"`);
      }
      const base = (deps.publicUrl() ?? `http://${request.headers.host ?? '127.0.0.1'}`).replace(/\/+$/, '');
      const verdict = await verifier.verify({
        method: request.method,
        url: `${base}${request.url}`,
        headers: request.headers,
        body: typeof request.body === 'string' ? request.body : '',
      });
      if (!verdict.ok) {
        deps.metrics.webhook(connector, verdict.reason);
        deps.logger.warn({ connector, reason: verdict.reason, remote: request.ip }, 'webhook rejected');
        return reply.code(401).send({ error: 'WEBHOOK_UNVERIFIED', message: 'the request could not be verified' });
      }
      deps.metrics.webhook(connector, 'accepted');
      deps.silence.heard(connector);
      const syncs = deps.control.webhook(connector);
      deps.logger.info({ connector, syncs }, 'webhook verified; targeted run requested');
      return reply.code(202).send({ connector, syncs });
    },
  };
}
