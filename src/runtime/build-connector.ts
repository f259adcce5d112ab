/**
 * Builds one connector instance from its config entry: resolves sandbox settings and secrets,
 * gives it an HTTP transport running under the connector's one resilience policy (its circuit
 * breaker, retries, the vendor's rate limits, timeout, response-size cap), and wraps it in the
 * runtime layer.
 */
import path from 'node:path';
import { connectorRegistry, type RegisteredConnector } from '../../connectors/index.js';
import { OAUTH_SECRET_DEFAULTS, buildConnectorAuth } from '../auth/connector-auth.js';
import type { Config, ConnectorEntry } from '../config/load.js';
import { createSecretReader } from '../config/secrets.js';
import { ConfigError } from '../errors.js';
import { responseCapOf } from '../http/response-cap.js';
import { createTransport } from '../http/transport.js';
import { singleWindow } from '../http/vendor-limits.js';
import type { Logger } from '../logger.js';
import type { SandboxInUse, SandboxRole } from './embedded.js';
import { createCircuit, type Circuit } from './breaker.js';
import type { Connector } from '../../connectors/types.js';
import { instrumentConnector, type RuntimeConnector } from './instrument.js';
import { createServerClock, withServerClock } from './server-clock.js';
import type { BreakerRecord, StateStore } from '../../state/index.js';

export interface BuildContext {
  readonly config: Config;
  /** The embedded sandbox when enabled: connectors bound to it get its URL and credentials. */
  readonly sandbox: SandboxInUse | undefined;
  readonly logger: Logger;
  /** Where circuit-breaker state is kept; without it the breaker lives in memory only. */
  readonly store?: StateStore;
  /** Breaker states saved by an earlier process, by connector name. */
  readonly breakers?: ReadonlyMap<string, BreakerRecord>;
  /** False: start from the saved breaker states but never save a change (a dry run writes nothing). */
  readonly persistBreakers?: boolean;
}

/**
 * What a connector's secrets fall back to when their reference yields nothing: the sandbox's own
 * development credentials when bound to it, and with OAuth an unused `token`.
 */
export function secretDefaults(
  entry: ConnectorEntry,
  sandboxSecrets: Readonly<Record<SandboxRole, Readonly<Record<string, string>>>> | undefined,
): Readonly<Record<string, string>> {
  const role = entry.base.sandbox;
  return {
    ...(role === undefined || sandboxSecrets === undefined ? {} : sandboxSecrets[role]),
    ...(entry.base.auth === undefined ? {} : OAUTH_SECRET_DEFAULTS),
  };
}

export function buildConnector(entry: ConnectorEntry, ctx: BuildContext): RuntimeConnector {
  const registered = connectorRegistry[entry.base.kind];
  if (registered === undefined)
    throw new ConfigError(`unknown connector kind ${entry.base.kind}`, { file: ctx.config.file });
  const settings = withSandboxSettings(entry, registered, ctx);
  const parsed = registered.factory.configSchema.parse(settings);
  const logger = ctx.logger.child({ connector: entry.name });
  const rateLimit = entry.base.rateLimit;
  const limits =
    registered.limits?.(settings, rateLimit) ?? (rateLimit === undefined ? undefined : singleWindow(rateLimit));
  const maxResponseBytes = responseCapOf(parsed);
  const circuit = breakerOf(entry, ctx);
  // OAuth and mTLS (auth:, tls:) wrap the transport; the connector itself never sees them.
  const auth = buildConnectorAuth(entry.name, entry.base, { configFile: ctx.config.file, logger });
  const defaults = secretDefaults(entry, ctx.sandbox?.kit.secrets);
  // Inside the OAuth wrapper: only the vendor's own answers set its clock, not a token server's.
  const clock = createServerClock();
  const connector = registered.factory.create(entry.name, parsed, {
    http: auth.wrap(
      withServerClock(
        createTransport({
          logger,
          connector: entry.name,
          timeoutMs: entry.base.timeoutMs,
          retry: entry.base.retry,
          circuit,
          ...(limits === undefined ? {} : { limits }),
          ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
          ...(auth.https === undefined ? {} : { https: auth.https }),
        }),
        clock,
      ),
    ),
    logger,
    secret: createSecretReader({
      connector: entry.name,
      refs: entry.base.secrets,
      baseDir: path.dirname(ctx.config.file),
      ...(Object.keys(defaults).length === 0 ? {} : { defaults }),
    }),
  });
  const linked = linkedToSandbox(connector, entry, ctx);
  const settleSeconds = entry.base.settleSeconds ?? registered.settleSeconds ?? 0;
  return Object.freeze({ ...instrumentConnector(linked, ctx.logger, circuit), clock, settleSeconds });
}

/** The connector's settings, under those of the sandbox server it is bound to (`sandbox:`), if any. */
function withSandboxSettings(
  entry: ConnectorEntry,
  registered: RegisteredConnector,
  ctx: BuildContext,
): Record<string, unknown> {
  const role = entry.base.sandbox;
  if (role === undefined) return { ...entry.settings };
  const server = ctx.sandbox?.running[role];
  if (server === undefined || registered.sandbox === undefined) {
    throw new ConfigError(
      `${ctx.config.file}: connectors.${entry.name}.sandbox is "${role}" but the sandbox is not enabled; set sandbox.enabled: true or give the connector its own URL`,
      { file: ctx.config.file, path: `connectors.${entry.name}.sandbox` },
    );
  }
  return { ...registered.sandbox.settings(server.url), ...entry.settings };
}

/** The connector's circuit breaker, starting from its saved state and saving changes when a store is given. */
function breakerOf(entry: ConnectorEntry, ctx: BuildContext): Circuit {
  const store = ctx.store;
  return createCircuit(
    entry.name,
    entry.base.breaker,
    store === undefined
      ? undefined
      : {
          initialState: ctx.breakers?.get(entry.name)?.state,
          save: (name, state) =>
            ctx.persistBreakers === false ? Promise.resolve() : store.saveBreaker(entry.name, name, state),
        },
    ctx.logger,
  );
}

/** Bound to the sandbox: records link to the sandbox's own record pages, not to a vendor's web UI. */
function linkedToSandbox(connector: Connector, entry: ConnectorEntry, ctx: BuildContext): Connector {
  const role = entry.base.sandbox;
  const sandbox = ctx.sandbox;
  const server = role === undefined || sandbox === undefined ? undefined : sandbox.running[role];
  if (server === undefined || sandbox === undefined) return connector;
  return {
    ...connector,
    recordUrl: (object: string, id: string) => `${server.url}${sandbox.kit.viewPath(object, id)}`,
  };
}
