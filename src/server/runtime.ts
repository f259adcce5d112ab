/**
 * The server as the daemon runs it: metrics, the webhook silence watch, webhook verifiers and the
 * bearer token reader, built from the config's `server:` block and rebuilt on SIGHUP
 * (`reconfigure`). The listening socket, host and port stay as they were until a restart.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { collectStatus } from '../control/status.js';
import type { Config, SyncEntry } from '../config/load.js';
import type { ServerConfig, WebhookConfig } from '../config/schema.js';
import { createSecretReader, secretProblem } from '../config/secrets.js';
import type { RunStats, SyncDefinition } from '../pipeline/context.js';
import { SilenceWatch } from '../webhooks/silence.js';
import { storeReplay } from '../webhooks/store-replay.js';
import { createWebhookVerifier, type WebhookVerifier } from '../webhooks/verify.js';
import type { RunTrigger, SyncControl } from '../control/control.js';
import { Metrics } from './metrics.js';
import { createServer, listen } from './server.js';

export interface ServerRuntime {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  /** Feeds run counters and the silence watch; the daemon calls it for every finished run. */
  runFinished(sync: SyncDefinition, stats: RunStats, trigger: RunTrigger): void;
  /** Applies a reloaded config: token and webhook secrets, tolerances, silence limits, staleness. */
  reconfigure(config: Config): void;
  close(): Promise<void>;
}

const silenceLimits = (server: ServerConfig): Map<string, number> =>
  new Map(
    Object.entries(server.webhooks).flatMap(([name, w]) =>
      w.silenceAfterMs === undefined ? [] : [[name, w.silenceAfterMs] as const],
    ),
  );

export async function startServerRuntime(
  app: App,
  server: ServerConfig,
  control: SyncControl,
  version: string,
): Promise<ServerRuntime> {
  const logger = app.logger.child({ component: 'server' });
  const metrics = new Metrics();
  const silence = new SilenceWatch(silenceLimits(server), logger);
  let current = { config: app.config, server };
  let verifiers = new Map<string, { settings: WebhookConfig; verifier: WebhookVerifier }>();

  const secrets = () =>
    createSecretReader({
      connector: 'server',
      refs: {
        token: current.server.tokenSecret,
        ...Object.fromEntries(
          Object.entries(current.server.webhooks).map(([name, w]) => [`webhook:${name}`, w.secret]),
        ),
      },
      baseDir: path.dirname(current.config.file),
    });
  let secret = secrets();
  const rebuildVerifiers = (): void => {
    const next = new Map<string, { settings: WebhookConfig; verifier: WebhookVerifier }>();
    for (const [name, settings] of Object.entries(current.server.webhooks)) {
      const kept = verifiers.get(name);
      // Accepted signatures live in the state store, so a replay is refused after a reload or a restart.
      const same =
        kept !== undefined &&
        kept.settings.scheme === settings.scheme &&
        kept.settings.toleranceMs === settings.toleranceMs;
      next.set(
        name,
        same
          ? kept
          : {
              settings,
              verifier: createWebhookVerifier(
                settings,
                () => secret(`webhook:${name}`),
                Date.now,
                storeReplay(app.store, name),
              ),
            },
      );
    }
    verifiers = next;
  };
  rebuildVerifiers();
  // Refuse to start without the token or a webhook secret, rather than refuse every request.
  secret('token');
  for (const name of Object.keys(server.webhooks)) secret(`webhook:${name}`);

  // The running syncs' entries, which SyncControl reloads on SIGHUP: readiness (`staleAfterMs`) and
  // the status (`enabled`, `schedule`) read them, not the config the daemon started with.
  const liveSyncs = (): SyncEntry[] => control.names.map((name) => control.definition(name).config);
  const fastify = createServer({
    logger,
    store: app.store,
    control,
    connectors: app.connectors,
    syncs: liveSyncs,
    status: () =>
      collectStatus({
        store: app.store,
        config: { ...app.config, syncs: Object.fromEntries(liveSyncs().map((sync) => [sync.name, sync])) },
      }),
    metrics,
    silence,
    token: () => secret('token'),
    webhooks: () => new Map([...verifiers].map(([name, v]) => [name, v.verifier])),
    publicUrl: () => current.server.publicUrl,
    version,
    startedAt: Date.now(),
  });
  const bound = await listen(fastify, server.host, server.port);
  logger.info({ url: bound.url, port: bound.port, webhooks: Object.keys(server.webhooks) }, 'server listening');

  return {
    ...bound,
    app: fastify,
    runFinished(sync, stats, trigger) {
      metrics.runFinished(stats, trigger);
      silence.polled(sync.crm.name, stats.pulled.crm);
      silence.polled(sync.erp.name, stats.pulled.erp);
    },
    reconfigure(config) {
      const next = config.server;
      if (next === undefined) {
        logger.warn('the reloaded config has no server block; the server keeps running until a restart');
        return;
      }
      // A reload whose token or webhook secret does not resolve would refuse every request: keep
      // the running settings instead, as a config that does not load is kept out.
      const unresolved = [
        ['server.tokenSecret', next.tokenSecret] as const,
        ...Object.entries(next.webhooks).map(([name, w]) => [`server.webhooks.${name}.secret`, w.secret] as const),
      ].flatMap(([key, ref]) => {
        const problem = secretProblem(ref, path.dirname(config.file));
        return problem === undefined ? [] : [`${key}: ${problem}`];
      });
      if (unresolved.length > 0) {
        logger.error(
          { problems: unresolved },
          "SIGHUP: the server's secrets do not resolve; keeping the running server settings",
        );
        return;
      }
      current = { config, server: next };
      secret = secrets();
      rebuildVerifiers();
      silence.reconfigure(silenceLimits(next));
    },
    async close() {
      metrics.close();
      await fastify.close();
    },
  };
}
