/**
 * Loads and checks the config file: YAML with positions, the zod schema, references between
 * syncs and connectors, each connector kind's own settings, and paths made absolute. A config
 * that fails any check refuses to start with a ConfigError naming file, line and key; every
 * problem found is reported at once (ConfigProblems, one line each).
 */
import fs from 'node:fs';
import path from 'node:path';
import { connectorRegistry, connectorKinds } from '../../connectors/index.js';
import type { ConfigError } from '../errors.js';
import { closest } from './closest.js';
import type { AlertsConfig, HistoryConfig } from './ops-schema.js';
import { throwProblems } from './problems.js';
import {
  configSchema,
  type ConnectorBaseConfig,
  type RawConfig,
  type SandboxConfig,
  type ServerConfig,
  type StateConfig,
  type SyncConfig,
} from './schema.js';
import { problemAt, readYaml, type YamlSource } from './yaml-source.js';
import { issuesToErrors, parseWith } from './zod-issues.js';

export interface ConnectorEntry {
  readonly name: string;
  readonly base: ConnectorBaseConfig;
  /** The kind-specific settings (everything but the engine's keys), already validated once. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface SyncEntry extends SyncConfig {
  readonly name: string;
  /** Absolute path of the mapping file. */
  readonly mappingFile: string;
}

export interface Config {
  readonly file: string;
  readonly dataDir: string;
  /** The SQLite state file (the default store, used when `state` is absent). */
  readonly stateFile: string;
  /** The state store on PostgreSQL (`state:`); undefined: the SQLite file. */
  readonly state: StateConfig | undefined;
  /** Where drift reports go (`reportsDir`, default `<dataDir>/reports`). */
  readonly reportsDir: string;
  readonly logLevel: string;
  /** Extra redaction paths (personal data) from `log.redact`. */
  readonly logRedact: readonly string[];
  /** `log.file`, resolved against the config file's folder; undefined: no log file. */
  readonly logFile: string | undefined;
  /** The HTTP server, when configured. */
  readonly server: ServerConfig | undefined;
  /** Run history retention (`history`). */
  readonly history: HistoryConfig;
  /** Notifications to people (`alerts`); undefined: none. */
  readonly alerts: AlertsConfig | undefined;
  readonly sandbox: SandboxConfig;
  readonly connectors: Readonly<Record<string, ConnectorEntry>>;
  readonly syncs: Readonly<Record<string, SyncEntry>>;
}

const ENGINE_KEYS = new Set([
  'kind',
  'sandbox',
  'secrets',
  'timeoutMs',
  'retry',
  'rateLimit',
  'breaker',
  'auth',
  'tls',
  'settleSeconds',
]);

export function loadConfig(file: string): Config {
  const { config, problems } = loadConfigSource(file);
  throwProblems(problems);
  return config;
}

/**
 * Loads the config and keeps its YAML source, for checks that report positions later (secrets,
 * sync names given on the command line). A file that does not parse or fit the schema throws
 * (all its issues at once); the checks past the schema (connector references, folders) are
 * returned as `problems`, so the caller reports them together with the mappings' own.
 */
export function loadConfigSource(file: string): {
  readonly config: Config;
  readonly source: YamlSource;
  readonly problems: readonly ConfigError[];
} {
  const absolute = path.resolve(file);
  const source = readYaml(absolute);
  const raw = parseWith(source, configSchema);
  const dir = path.dirname(absolute);
  const problems: ConfigError[] = [];

  const connectors = loadConnectors(source, raw, problems);
  const syncs = loadSyncs(source, raw, dir, problems);
  const dataDir = path.resolve(dir, raw.dataDir);
  const reportsDir = raw.reportsDir === undefined ? path.join(dataDir, 'reports') : path.resolve(dir, raw.reportsDir);
  for (const [key, folder] of [
    ['dataDir', dataDir],
    ['reportsDir', raw.reportsDir === undefined ? undefined : reportsDir],
  ] as const) {
    const problem = folder === undefined ? undefined : folderProblem(folder);
    if (problem !== undefined) problems.push(problemAt(source, [key], problem));
  }

  const config: Config = Object.freeze({
    file: absolute,
    dataDir,
    stateFile: path.join(dataDir, 'tandem.sqlite'),
    state: raw.state,
    reportsDir,
    logLevel: raw.log.level,
    logRedact: Object.freeze([...raw.log.redact]),
    logFile: raw.log.file === undefined ? undefined : path.resolve(dir, raw.log.file),
    server: raw.server,
    history: raw.history,
    alerts: raw.alerts,
    sandbox: raw.sandbox,
    connectors: Object.freeze(connectors),
    syncs: Object.freeze(syncs),
  });
  return { config, source, problems };
}

/** Each connector with its kind's own settings checked; an unknown kind is a problem and left out. */
function loadConnectors(source: YamlSource, raw: RawConfig, problems: ConfigError[]): Record<string, ConnectorEntry> {
  const connectors: Record<string, ConnectorEntry> = {};
  for (const [name, base] of Object.entries(raw.connectors)) {
    const registered = connectorRegistry[base.kind];
    if (registered === undefined) {
      const near = closest(base.kind, connectorKinds());
      problems.push(
        problemAt(
          source,
          ['connectors', name, 'kind'],
          `unknown connector kind "${base.kind}"; ${near === undefined ? '' : `did you mean "${near}"? `}expected one of ${connectorKinds().join(', ')}`,
        ),
      );
      continue;
    }
    if (base.sandbox !== undefined && registered.sandbox?.role !== base.sandbox) {
      problems.push(
        problemAt(
          source,
          ['connectors', name, 'sandbox'],
          `a ${base.kind} connector cannot stand in for the sandbox "${base.sandbox}"`,
        ),
      );
    }
    const settings = Object.fromEntries(Object.entries(base).filter(([key]) => !ENGINE_KEYS.has(key)));
    const withSandbox =
      base.sandbox === undefined ? settings : { ...registered.sandbox?.settings('http://127.0.0.1:1'), ...settings };
    const checked = registered.factory.configSchema.safeParse(withSandbox, { reportInput: true });
    if (!checked.success)
      problems.push(
        ...issuesToErrors(
          source,
          checked.error.issues,
          registered.factory.configSchema,
          ['connectors', name],
          [...ENGINE_KEYS],
        ),
      );
    connectors[name] = Object.freeze({ name, base, settings: Object.freeze(settings) });
  }
  return connectors;
}

/** Each sync with its mapping path made absolute; webhooks and syncs must name defined connectors. */
function loadSyncs(
  source: YamlSource,
  raw: RawConfig,
  dir: string,
  problems: ConfigError[],
): Record<string, SyncEntry> {
  const have = `have: ${Object.keys(raw.connectors).join(', ') || 'none'}`;
  const noConnector = (name: string): string => {
    const near = closest(name, Object.keys(raw.connectors));
    return `no connector named "${name}"; ${near === undefined ? 'define it under connectors:' : `did you mean "${near}"?`} (${have})`;
  };

  for (const name of Object.keys(raw.server?.webhooks ?? {})) {
    if (raw.connectors[name] === undefined) {
      problems.push(
        problemAt(source, ['server', 'webhooks', name], `${noConnector(name)}; webhooks are keyed by connector name`),
      );
    }
  }

  const syncs: Record<string, SyncEntry> = {};
  for (const [name, sync] of Object.entries(raw.syncs)) {
    for (const role of ['crm', 'erp'] as const) {
      if (raw.connectors[sync[role]] === undefined)
        problems.push(problemAt(source, ['syncs', name, role], noConnector(sync[role])));
    }
    syncs[name] = Object.freeze({ ...sync, name, mappingFile: path.resolve(dir, sync.mapping) });
  }
  return syncs;
}

/**
 * Why `folder` cannot be used as a directory (it, or the nearest existing parent, is a file),
 * or undefined. Checked at load, so a wrong path is a config error, not a raw EEXIST later.
 */
function folderProblem(folder: string): string | undefined {
  for (let at = folder; ; at = path.dirname(at)) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(at);
    } catch {
      if (path.dirname(at) === at) return undefined;
      continue;
    }
    if (stat.isDirectory()) return undefined;
    return at === folder
      ? `${folder} is a file, not a directory; point it at a directory (created if missing)`
      : `${at} is a file, so the directory ${folder} cannot be created there; point it elsewhere`;
  }
}

/** A sync named on the command line that the config does not define: a ConfigError at `syncs:`, with the nearest name. */
export function unknownSync(config: Config, source: YamlSource, name: string): ConfigError | undefined {
  if (config.syncs[name] !== undefined) return undefined;
  const names = Object.keys(config.syncs);
  const near = closest(name, names);
  return problemAt(
    source,
    ['syncs'],
    `no sync named "${name}"${near === undefined ? '' : `; did you mean "${near}"?`} (have: ${names.join(', ') || 'none'})`,
  );
}
