/**
 * What is checked before a command creates or starts anything (the state file, the sandbox, a
 * listening socket): the config, every mapping (objects the connector kinds sync), the sync named
 * on the command line, and every secret that will be read. All problems are reported at once.
 */
import { connectorRegistry } from '../connectors/index.js';
import { loadConfigSource, unknownSync, type Config } from './config/load.js';
import { throwProblems } from './config/problems.js';
import { alertSecretProblems, secretProblems, stateSecretProblems } from './config/secret-check.js';
import type { YamlSource } from './config/yaml-source.js';
import { isConfigError, type ConfigError } from './errors.js';
import { loadMappings } from './mapping/load.js';
import type { CompiledMapping } from './mapping/types.js';
import { secretDefaults } from './runtime/build-connector.js';
import type { EmbeddedSandbox } from './runtime/embedded.js';

export interface PreflightOptions {
  /** The command will talk to the connectors: their secrets must resolve. */
  readonly connect: boolean;
  /** The daemon's server will run: its token and webhook secrets must resolve too. */
  readonly server?: boolean;
  /** A sync named on the command line: it must exist. */
  readonly sync?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The embedded sandbox's development credentials: a connector bound to it falls back to them. */
  readonly sandboxSecrets?: EmbeddedSandbox['secrets'];
}

export interface Preflight {
  readonly config: Config;
  readonly source: YamlSource;
  readonly mappings: Readonly<Record<string, CompiledMapping>>;
}

/** Loads and checks everything a command needs from files and the environment; throws ConfigError(s). */
export function preflight(configFile: string, options: PreflightOptions): Preflight {
  const loaded = loadConfigSource(configFile);
  const { config, source } = loaded;
  const problems: ConfigError[] = [...loaded.problems];
  const unknown = options.sync === undefined ? undefined : unknownSync(config, source, options.sync);
  if (unknown !== undefined) problems.push(unknown);
  const objects = (connector: string): readonly string[] | undefined => {
    const kind = config.connectors[connector]?.base.kind;
    return kind === undefined ? undefined : connectorRegistry[kind]?.objects;
  };
  let mappings: Readonly<Record<string, CompiledMapping>> = {};
  try {
    // References name other syncs: unknown ones and cycles are refused here, with file and line.
    mappings = loadMappings(
      Object.values(config.syncs).map((s) => {
        const crmObjects = objects(s.crm);
        const erpObjects = objects(s.erp);
        return {
          sync: s.name,
          file: s.mappingFile,
          options: {
            ...(crmObjects === undefined ? {} : { crmObjects }),
            ...(erpObjects === undefined ? {} : { erpObjects }),
          },
        };
      }),
    );
  } catch (error) {
    if (!isConfigError(error)) throw error;
    problems.push(error);
  }
  problems.push(...stateSecretProblems(config, source, options.env));
  if (options.connect)
    problems.push(
      ...secretProblems(config, source, {
        server: options.server === true,
        defaults: (entry) => secretDefaults(entry, options.sandboxSecrets),
        ...(options.env === undefined ? {} : { env: options.env }),
      }),
    );
  if (options.server === true) problems.push(...alertSecretProblems(config, source, options.env));
  throwProblems(problems);
  return { config, source, mappings };
}
