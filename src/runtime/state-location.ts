/**
 * Where the state store lives, from the config: the SQLite file under `dataDir` (the default), or
 * the PostgreSQL database of `state:` with its password read from its secret reference (at every
 * new connection, so a rotated one is used) and its TLS settings (verified unless turned off, and
 * then never silently).
 */
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { StoreLocation } from '../../state/index.js';
import { createFileReader } from '../auth/tls.js';
import type { Config } from '../config/load.js';
import type { StateConfig, TlsConfig } from '../config/schema.js';
import { createSecretReader } from '../config/secrets.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The store location of `config`; `migrate`: apply pending PostgreSQL migrations (`tandem migrate`). */
export function stateLocation(config: Config, logger: Logger, migrate = false): StoreLocation {
  const state = config.state;
  if (state === undefined) return { engine: 'sqlite', file: config.stateFile };
  const baseDir = path.dirname(config.file);
  const password = state.password;
  const secret =
    password === undefined ? undefined : createSecretReader({ connector: 'state', refs: { password }, baseDir });
  return {
    engine: 'postgres',
    url: state.url,
    ...(secret === undefined ? {} : { password: () => secret('password') }),
    poolSize: state.poolSize,
    tls: tlsOptions(state, config.file, logger),
    connectTimeoutMs: state.connectTimeoutMs,
    migrate,
    onIdleError: (error) => logger.warn({ err: error }, 'a pooled state store connection failed; it is replaced'),
  };
}

function tlsOptions(state: StateConfig, configFile: string, logger: Logger): false | ConnectionOptions {
  if (state.tls === false) {
    logger.warn({ setting: 'state.tls' }, 'the state store connection is not encrypted (state.tls: false)');
    return false;
  }
  const tls: TlsConfig = state.tls;
  if ((tls.cert === undefined) !== (tls.key === undefined))
    throw new ConfigError(`${configFile}: state.tls: a client certificate needs both cert and key`, {
      file: configFile,
      path: 'state.tls',
    });
  if (tls.dangerouslyDisableVerification)
    logger.error(
      { setting: 'state.tls.dangerouslyDisableVerification' },
      'TLS VERIFICATION IS DISABLED for the state store: any server can impersonate the database',
    );
  const read = createFileReader(path.dirname(configFile), configFile);
  const passphrase = tls.passphrase;
  return {
    ...(tls.ca === undefined ? {} : { ca: read(tls.ca, 'state.tls.ca') }),
    ...(tls.cert === undefined ? {} : { cert: read(tls.cert, 'state.tls.cert') }),
    ...(tls.key === undefined ? {} : { key: read(tls.key, 'state.tls.key') }),
    ...(passphrase === undefined
      ? {}
      : {
          passphrase: createSecretReader({
            connector: 'state',
            refs: { passphrase },
            baseDir: path.dirname(configFile),
          })('passphrase'),
        }),
    rejectUnauthorized: !tls.dangerouslyDisableVerification,
  };
}
