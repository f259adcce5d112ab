/**
 * Assembles a running Tandem from a config file: logger, state store, the embedded sandbox when
 * enabled, connectors (wrapped in the runtime layer) and compiled syncs. Every command and the
 * daemon start here; nothing is a module-level singleton.
 */
import { StateStore } from '../state/index.js';
import type { Config } from './config/load.js';
import { buildConnector } from './runtime/build-connector.js';
import { stateLocation } from './runtime/state-location.js';
import type { RuntimeConnector } from './runtime/instrument.js';
import { createLogger, type Logger } from './logger.js';
import type { SyncDefinition } from './pipeline/context.js';
import { preflight } from './preflight.js';
// The one place the product meets the embedded sandbox (the seam: src/runtime/embedded.ts).
import { embeddedSandbox, startSandbox, type RunningSandbox } from '../sandbox/index.js';

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: StateStore;
  readonly sandbox: RunningSandbox | undefined;
  readonly connectors: Readonly<Record<string, RuntimeConnector>>;
  readonly syncs: Readonly<Record<string, SyncDefinition>>;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly logger?: Logger;
  /** Build connectors and start the sandbox (if enabled). False for commands that only read state. */
  readonly connect?: boolean;
  /** False for dry runs: circuit-breaker changes are not saved. */
  readonly persistBreakers?: boolean;
  /** The daemon: the server's token and webhook secrets must resolve before anything starts. */
  readonly server?: boolean;
  /** The sync named on the command line: an unknown one is refused before the state file is created. */
  readonly sync?: string;
  /**
   * Runs once the state store is open, before the sandbox and the connectors start: a command takes
   * its syncs' leases here, so one kept out says who holds them instead of failing on a busy port.
   */
  readonly beforeConnect?: (opened: OpenedState) => Promise<void>;
}

/** What {@link AppOptions.beforeConnect} is given. */
export interface OpenedState {
  readonly store: StateStore;
  readonly logger: Logger;
  /** The syncs with a loaded mapping, and what each references (for `dependenciesOf`). */
  readonly syncs: Readonly<Record<string, { readonly mapping: { readonly references: readonly string[] } }>>;
}

export async function openApp(configFile: string, options: AppOptions = {}): Promise<App> {
  const connect = options.connect ?? true;
  // Config, mappings, the named sync and the secrets are checked before anything is created or
  // started: a problem refuses to start (exit 2) and leaves no state file behind.
  const { config, mappings } = preflight(configFile, {
    connect,
    ...(options.server === undefined ? {} : { server: options.server }),
    ...(options.sync === undefined ? {} : { sync: options.sync }),
    sandboxSecrets: embeddedSandbox.secrets,
  });
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, redact: config.logRedact, file: config.logFile });
  const store = await StateStore.connect(stateLocation(config, logger));
  let sandbox: RunningSandbox | undefined;
  try {
    if (options.beforeConnect !== undefined) {
      const referencing = Object.fromEntries(Object.entries(mappings).map(([name, mapping]) => [name, { mapping }]));
      await options.beforeConnect({ store, logger, syncs: referencing });
    }
    if (connect && config.sandbox.enabled) sandbox = await startSandbox(config.sandbox, config.dataDir, logger);
    const connectors: Record<string, RuntimeConnector> = {};
    if (connect) {
      const breakers = new Map((await store.breakers()).map((b) => [b.connector, b]));
      for (const entry of Object.values(config.connectors)) {
        connectors[entry.name] = buildConnector(entry, {
          config,
          sandbox: sandbox === undefined ? undefined : { kit: embeddedSandbox, running: sandbox },
          logger,
          store,
          breakers,
          ...(options.persistBreakers === undefined ? {} : { persistBreakers: options.persistBreakers }),
        });
      }
    }
    const syncs = syncDefinitions(config, mappings, connectors);
    return {
      config,
      logger,
      store,
      sandbox,
      connectors,
      syncs,
      async close() {
        await sandbox?.close();
        await store.close();
      },
    };
  } catch (error) {
    await sandbox?.close();
    await store.close();
    throw error;
  }
}

/** Each sync whose mapping and both connectors are there, with the objects of the syncs it references. */
function syncDefinitions(
  config: Config,
  mappings: Readonly<Record<string, SyncDefinition['mapping']>>,
  connectors: Readonly<Record<string, RuntimeConnector>>,
): Record<string, SyncDefinition> {
  const syncs: Record<string, SyncDefinition> = {};
  for (const sync of Object.values(config.syncs)) {
    const mapping = mappings[sync.name];
    const crm = connectors[sync.crm];
    const erp = connectors[sync.erp];
    if (mapping !== undefined && crm !== undefined && erp !== undefined) {
      const referenced = Object.fromEntries(
        mapping.references.flatMap((name) => {
          const target = mappings[name];
          return target === undefined ? [] : [[name, { crm: target.crmObject, erp: target.erpObject }]];
        }),
      );
      const history = { limits: config.history, redact: config.logRedact };
      syncs[sync.name] = Object.freeze({ name: sync.name, config: sync, mapping, crm, erp, referenced, history });
    }
  }
  return syncs;
}
