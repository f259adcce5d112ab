/**
 * A connector's TLS settings turned into got's `https:` options: client certificate and key for
 * mTLS, a CA bundle, and verification, which is only ever off through the explicit
 * `tls.dangerouslyDisableVerification` and then logged at error level. Files are re-read when
 * their modification time changes, so a rotated certificate is used without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TlsConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { HttpsSettings } from '../http/transport.js';
import type { Logger } from '../logger.js';

/** Reads a file, caching by modification time; throws a ConfigError naming the setting when it cannot. */
export function createFileReader(baseDir: string, configFile: string): (file: string, setting: string) => string {
  const cache = new Map<string, { mtimeMs: number; value: string }>();
  return (file, setting) => {
    const absolute = path.resolve(baseDir, file);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new ConfigError(`${configFile}: ${setting}: cannot read ${absolute}`, { file: configFile, path: setting });
    }
    const cached = cache.get(absolute);
    if (cached !== undefined && cached.mtimeMs === stat.mtimeMs) return cached.value;
    const value = fs.readFileSync(absolute, 'utf8');
    cache.set(absolute, { mtimeMs: stat.mtimeMs, value });
    return value;
  };
}

export interface TlsContext {
  readonly connector: string;
  readonly configFile: string;
  readonly logger: Logger;
  /** Reads the key passphrase secret, when one is configured. */
  readonly passphrase?: () => string;
}

/**
 * Returns a function giving the current `https:` options. Checks the files once at once, so a
 * missing certificate refuses to start rather than failing the first request.
 */
export function createTlsOptions(tls: TlsConfig, ctx: TlsContext): () => HttpsSettings {
  const read = createFileReader(path.dirname(ctx.configFile), ctx.configFile);
  const prefix = `connectors.${ctx.connector}.tls`;
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ConfigError(`${ctx.configFile}: ${prefix}: a client certificate needs both cert and key`, {
      file: ctx.configFile,
      path: prefix,
    });
  }
  if (tls.dangerouslyDisableVerification) {
    ctx.logger.error(
      { connector: ctx.connector, setting: `${prefix}.dangerouslyDisableVerification` },
      'TLS VERIFICATION IS DISABLED for this connector: any server can impersonate the vendor',
    );
  }
  const options = (): HttpsSettings => ({
    ...(tls.cert === undefined ? {} : { certificate: read(tls.cert, `${prefix}.cert`) }),
    ...(tls.key === undefined ? {} : { key: read(tls.key, `${prefix}.key`) }),
    ...(tls.ca === undefined ? {} : { certificateAuthority: read(tls.ca, `${prefix}.ca`) }),
    ...(ctx.passphrase === undefined ? {} : { passphrase: ctx.passphrase() }),
    rejectUnauthorized: !tls.dangerouslyDisableVerification,
    labels: {
      ...(tls.cert === undefined ? {} : { certificate: `${prefix}.cert: ${tls.cert}` }),
      ...(tls.ca === undefined ? {} : { certificateAuthority: `${prefix}.ca: ${tls.ca}` }),
    },
  });
  options();
  return options;
}
