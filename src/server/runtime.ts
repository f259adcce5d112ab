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
import type { Logger } from '../logger.js';
import { Metrics } from './metrics.js';
import { createServer, listen } from './server.js';

export interface ServerRuntime {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  /** The webhook silence watch (alerts read its alarms). */
  readonly silence: SilenceWatch;
  /** Feeds run counters and the silence watch; the daemon calls it for every finished run. */
  runFinished(sync: SyncDefinition, stats: RunStats, trigger: RunTrigger): void;
  /** Applies a reloaded config: token and webhook secrets, tolerances, silence limits, staleness. */
  reconfigure(config: Config): void;
  close(): Promise<void>;
}

/** Every connector with webhooks (the last-event metric), with its silence limit where it declares one. */
export const silenceLimits = (server: {
  readonly webhooks: Readonly<Record<string, { readonly silenceAfterMs?: number | undefined }>>;
}): Map<string, number | null> =>
  new Map(Object.entries(server.webhooks).map(([name, w]) => [name, w.silenceAfterMs ?? null] as const));

export async function startServerRuntime(
  app: App,
  server: ServerConfig,
  control: SyncControl,
  version: string,
): Promise<ServerRuntime> {
  const logger = app.logger.child({ component: 'server' });
  const metrics = new Metrics();
  const silence = new SilenceWatch(silenceLimits(server), logger);
  // Refuses to start without the token or a webhook secret, rather than refuse every request.
  const credentials = serverCredentials(app, app.config, server);

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
    token: () => credentials.secret('token'),
    webhooks: () => credentials.verifiers(),
    publicUrl: () => credentials.server().publicUrl,
    version,
    startedAt: Date.now(),
  });
  const bound = await listen(fastify, server.host, server.port);
  logger.info({ url: bound.url, port: bound.port, webhooks: Object.keys(server.webhooks) }, 'server listening');

  return {
    ...bound,
    app: fastify,
    silence,
    runFinished(sync, stats, trigger) {
      metrics.runFinished(stats, trigger);
      silence.polled(sync.crm.name, stats.pulled.crm);
      silence.polled(sync.erp.name, stats.pulled.erp);
    },
    reconfigure(config) {
      if (acceptsReload(logger, config)) {
        credentials.apply(config, config.server);
        silence.reconfigure(silenceLimits(config.server));
      }
    },
    async close() {
      metrics.close();
      await fastify.close();
    },
  };
}

interface Verifier {
  readonly settings: WebhookConfig;
  readonly verifier: WebhookVerifier;
}

/** The bearer token and webhook verifiers of the server block in force; `apply` swaps in a reloaded one. */
interface ServerCredentials {
  secret(name: string): string;
  verifiers(): Map<string, WebhookVerifier>;
  server(): ServerConfig;
  apply(config: Config, server: ServerConfig): void;
}

function serverCredentials(app: App, config: Config, server: ServerConfig): ServerCredentials {
  let current = { config, server };
  let secret = secretReader(current.config, current.server);
  let verifiers = webhookVerifiers(app, new Map(), current.server, (name) => secret(name));
  secret('token');
  for (const name of Object.keys(server.webhooks)) secret(`webhook:${name}`);
  return {
    secret: (name) => secret(name),
    verifiers: () => new Map([...verifiers].map(([name, v]) => [name, v.verifier])),
    server: () => current.server,
    apply(nextConfig, nextServer) {
      current = { config: nextConfig, server: nextServer };
      secret = secretReader(current.config, current.server);
      verifiers = webhookVerifiers(app, verifiers, current.server, (name) => secret(name));
    },
  };
}

function secretReader(config: Config, server: ServerConfig): (name: string) => string {
  return createSecretReader({
    connector: 'server',
    refs: {
      token: server.tokenSecret,
      ...Object.fromEntries(Object.entries(server.webhooks).map(([name, w]) => [`webhook:${name}`, w.secret])),
    },
    baseDir: path.dirname(config.file),
  });
}

/** One verifier per webhook; one whose scheme and tolerance did not change is kept as it was. */
function webhookVerifiers(
  app: App,
  previous: ReadonlyMap<string, Verifier>,
  server: ServerConfig,
  secret: (name: string) => string,
): Map<string, Verifier> {
  const next = new Map<string, Verifier>();
  for (const [name, settings] of Object.entries(server.webhooks)) {
    const kept = previous.get(name);
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
  return next;
}

/**
 * Whether a reloaded config can replace the running server settings: it has a server block and
 * all its secrets resolve. A reload whose token or webhook secret does not resolve would refuse
 * every request, so the running settings are kept, as a config that does not load is kept out.
 */
function acceptsReload(logger: Logger, config: Config): config is Config & { server: ServerConfig } {
  if (config.server === undefined) {
    logger.warn('the reloaded config has no server block; the server keeps running until a restart');
    return false;
  }
  const unresolved = unresolvedSecrets(config.server, config.file);
  if (unresolved.length > 0) {
    logger.error(
      { problems: unresolved },
      "SIGHUP: the server's secrets do not resolve; keeping the running server settings",
    );
    return false;
  }
  return true;
}

/** Each of the server block's secrets that does not resolve, as `key: problem`. */
function unresolvedSecrets(server: ServerConfig, configFile: string): string[] {
  return [
    ['server.tokenSecret', server.tokenSecret] as const,
    ...Object.entries(server.webhooks).map(([name, w]) => [`server.webhooks.${name}.secret`, w.secret] as const),
  ].flatMap(([key, ref]) => {
    const problem = secretProblem(ref, path.dirname(configFile));
    return problem === undefined ? [] : [`${key}: ${problem}`];
  });
}
