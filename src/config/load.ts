/**
 * Loads and checks the config file: YAML with positions, the zod schema, references between
 * syncs and connectors, each connector kind's own settings, and paths made absolute. A config
 * that fails any check refuses to start with a ConfigError naming file, line and key.
 */
import path from 'node:path';
import { connectorRegistry, connectorKinds } from '../../connectors/index.js';
import { ConfigError } from '../errors.js';
import {
  configSchema,
  type ConnectorBaseConfig,
  type SandboxConfig,
  type ServerConfig,
  type SyncConfig,
} from './schema.js';
import { locate, parseWith, readYaml, type YamlSource } from './yaml-source.js';

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
  readonly stateFile: string;
  /** Where drift reports go (`reportsDir`, default `<dataDir>/reports`). */
  readonly reportsDir: string;
  readonly logLevel: string;
  /** Extra redaction paths (personal data) from `log.redact`. */
  readonly logRedact: readonly string[];
  /** The HTTP server, when configured. */
  readonly server: ServerConfig | undefined;
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
  const absolute = path.resolve(file);
  const source = readYaml(absolute);
  const raw = parseWith(source, configSchema);
  const dir = path.dirname(absolute);

  const connectors: Record<string, ConnectorEntry> = {};
  for (const [name, base] of Object.entries(raw.connectors)) {
    const registered = connectorRegistry[base.kind];
    if (registered === undefined) {
      throw located(
        source,
        ['connectors', name, 'kind'],
        `unknown connector kind "${base.kind}"; expected one of ${connectorKinds().join(', ')}`,
      );
    }
    if (base.sandbox !== undefined && registered.sandbox?.role !== base.sandbox) {
      throw located(
        source,
        ['connectors', name, 'sandbox'],
        `a ${base.kind} connector cannot stand in for the sandbox "${base.sandbox}"`,
      );
    }
    const settings = Object.fromEntries(Object.entries(base).filter(([key]) => !ENGINE_KEYS.has(key)));
    const withSandbox =
      base.sandbox === undefined ? settings : { ...registered.sandbox?.settings('http://127.0.0.1:1'), ...settings };
    parseWith(source, registered.factory.configSchema, ['connectors', name], withSandbox);
    connectors[name] = Object.freeze({ name, base, settings: Object.freeze(settings) });
  }

  for (const name of Object.keys(raw.server?.webhooks ?? {})) {
    if (connectors[name] === undefined) {
      throw located(
        source,
        ['server', 'webhooks', name],
        `no connector named "${name}"; webhooks are keyed by connector name (have: ${Object.keys(connectors).join(', ') || 'none'})`,
      );
    }
  }

  const syncs: Record<string, SyncEntry> = {};
  for (const [name, sync] of Object.entries(raw.syncs)) {
    for (const role of ['crm', 'erp'] as const) {
      if (connectors[sync[role]] === undefined) {
        throw located(
          source,
          ['syncs', name, role],
          `no connector named "${sync[role]}"; define it under connectors: (have: ${Object.keys(connectors).join(', ') || 'none'})`,
        );
      }
    }
    syncs[name] = Object.freeze({ ...sync, name, mappingFile: path.resolve(dir, sync.mapping) });
  }

  const dataDir = path.resolve(dir, raw.dataDir);
  return Object.freeze({
    file: absolute,
    dataDir,
    stateFile: path.join(dataDir, 'tandem.sqlite'),
    reportsDir: raw.reportsDir === undefined ? path.join(dataDir, 'reports') : path.resolve(dir, raw.reportsDir),
    logLevel: raw.log.level,
    logRedact: Object.freeze([...raw.log.redact]),
    server: raw.server,
    sandbox: raw.sandbox,
    connectors: Object.freeze(connectors),
    syncs: Object.freeze(syncs),
  });
}

function located(source: YamlSource, keyPath: readonly (string | number)[], message: string): ConfigError {
  const { line, column } = locate(source, keyPath);
  const key = keyPath.join('.');
  return new ConfigError(`${source.file}:${line}:${column}: ${key}: ${message}`, {
    file: source.file,
    path: key,
    line,
    column,
  });
}
