/** Handlers of /healthz, /readyz, /metrics and /openapi.json. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { countOpenConflicts } from './conflicts.js';
import type { ServerDeps } from './deps.js';
import { buildOpenApi } from './openapi.js';
import { readinessChecks, storeCheck } from './readiness.js';

export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function healthHandlers(deps: ServerDeps): Record<string, Handler> {
  const now = deps.now ?? Date.now;
  const openapi = buildOpenApi(deps.version);
  return {
    health: async () => ({ status: 'ok', uptimeS: Math.round((now() - deps.startedAt) / 1000) }),
    readiness: async (_request, reply) => {
      const store = await storeCheck(deps.store);
      const statuses = store.ok ? await deps.status() : [];
      const checks = [
        store,
        ...readinessChecks({
          store: deps.store,
          connectors: deps.connectors,
          syncs: deps.syncs(),
          lastSuccess: new Map(statuses.map((s) => [s.sync, s.lastSuccessAt])),
          paused: (sync) => deps.control.isPaused(sync),
          webhooks: deps.silence.states(),
          startedAt: deps.startedAt,
          now: now(),
        }),
      ];
      const ready = checks.every((c) => c.ok);
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
    openapi: async () => openapi,
    metrics: async (_request, reply) => {
      const statuses = await deps.status();
      deps.metrics.refresh({
        syncs: statuses.map((s) => ({ ...s, paused: deps.control.isPaused(s.sync) })),
        circuits: Object.values(deps.connectors).flatMap((c) =>
          c.circuit === undefined ? [] : [{ connector: c.name, state: c.circuit.state() }],
        ),
        conflicts: await countOpenConflicts(
          deps.store,
          statuses.map((s) => s.sync),
        ),
        webhooks: deps.silence.states(),
        now: now(),
      });
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    },
  };
}
