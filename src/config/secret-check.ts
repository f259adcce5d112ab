/**
 * Every secret the configured connectors (and, for the daemon, the server) will read, resolved
 * before anything is created or started: an unset variable or a missing or empty file is a config
 * error at the key that names it, not a failed run with a stack trace later.
 */
import path from 'node:path';
import { connectorRegistry } from '../../connectors/index.js';
import type { ConfigError } from '../errors.js';
import type { Config, ConnectorEntry } from './load.js';
import type { SecretRef } from './schema.js';
import { secretProblem } from './secrets.js';
import { problemAt, type YamlSource } from './yaml-source.js';

export interface SecretCheckOptions {
  /** Check the server's token and webhook secrets too (the daemon, when `server.enabled`). */
  readonly server: boolean;
  /** Values a secret falls back to (the sandbox's own credentials, OAuth's unused token), by connector. */
  readonly defaults: (entry: ConnectorEntry) => Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
}

/** The state store's password (PostgreSQL): every command opens the store, so it is always checked. */
export function stateSecretProblems(config: Config, source: YamlSource, env?: NodeJS.ProcessEnv): ConfigError[] {
  const state = config.state;
  const refs: [string[], SecretRef | undefined][] = [
    [['state', 'password'], state?.password],
    [['state', 'tls', 'passphrase'], state?.tls === false ? undefined : state?.tls.passphrase],
  ];
  return refs.flatMap(([at, ref]) => {
    const problem = ref === undefined ? undefined : secretProblem(ref, path.dirname(config.file), env);
    return problem === undefined ? [] : [problemAt(source, at, problem)];
  });
}

/** The alert targets' secrets (the daemon sends alerts): a Slack URL, a webhook's HMAC key. */
export function alertSecretProblems(config: Config, source: YamlSource, env?: NodeJS.ProcessEnv): ConfigError[] {
  return (config.alerts?.targets ?? []).flatMap((t, i) => {
    const [key, ref] = t.kind === 'slack' ? ['url', t.url] : ['secret', t.secret];
    const problem = secretProblem(ref, path.dirname(config.file), env);
    return problem === undefined ? [] : [problemAt(source, ['alerts', 'targets', i, key], problem)];
  });
}

/** The problems, each at its key's position in the config file; empty when every secret resolves. */
export function secretProblems(config: Config, source: YamlSource, options: SecretCheckOptions): ConfigError[] {
  const baseDir = path.dirname(config.file);
  const problems: ConfigError[] = [];
  const check = (at: readonly (string | number)[], ref: SecretRef): void => {
    const problem = secretProblem(ref, baseDir, options.env);
    if (problem !== undefined) problems.push(problemAt(source, at, problem));
  };
  for (const entry of Object.values(config.connectors)) {
    const base = entry.base;
    const at = ['connectors', entry.name];
    const refs: [string, readonly (string | number)[], SecretRef][] = Object.entries(base.secrets).map(
      ([name, ref]) => [name, [...at, 'secrets', name], ref],
    );
    if (base.auth !== undefined) {
      refs.push(['clientSecret', [...at, 'auth', 'oauth2', 'clientSecret'], base.auth.oauth2.clientSecret]);
      const refresh = base.auth.oauth2.refreshToken;
      if (refresh !== undefined) refs.push(['refreshToken', [...at, 'auth', 'oauth2', 'refreshToken'], refresh]);
    }
    if (base.tls?.passphrase !== undefined)
      refs.push(['tlsPassphrase', [...at, 'tls', 'passphrase'], base.tls.passphrase]);
    const defaults = options.defaults(entry);
    for (const [name, keyPath, ref] of refs) if (defaults[name] === undefined) check(keyPath, ref);
    for (const name of connectorRegistry[base.kind]?.secrets ?? []) {
      if (base.secrets[name] !== undefined || defaults[name] !== undefined) continue;
      problems.push(
        problemAt(
          source,
          at,
          `a ${base.kind} connector needs the secret "${name}": add secrets: { ${name}: { env: VARIABLE } } (or { file: path })`,
        ),
      );
    }
  }
  const server = config.server;
  if (options.server && server?.enabled === true) {
    check(['server', 'tokenSecret'], server.tokenSecret);
    for (const [name, hook] of Object.entries(server.webhooks))
      check(['server', 'webhooks', name, 'secret'], hook.secret);
  }
  return problems;
}
