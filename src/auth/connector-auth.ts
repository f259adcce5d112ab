/**
 * What a connector's `auth:` and `tls:` blocks add to its transport, assembled in one place so
 * that building a connector stays one call: the TLS options, the OAuth wrapper, and the secret
 * defaults OAuth makes unnecessary (the connector's own bearer `token`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectorBaseConfig } from '../config/schema.js';
import { createSecretReader } from '../config/secrets.js';
import type { HttpTransport, HttpsSettings } from '../http/transport.js';
import type { Logger } from '../logger.js';
import { withOAuth } from './oauth-transport.js';
import { createTokenProvider } from './oauth.js';
import { createTlsOptions } from './tls.js';
import { createTokenRequester } from './token-request.js';

export interface ConnectorAuth {
  readonly https: (() => HttpsSettings) | undefined;
  /** Wraps the connector's transport (OAuth), or returns it unchanged. */
  wrap(transport: HttpTransport): HttpTransport;
  /**
   * Secret defaults: with OAuth the transport owns `Authorization`, so the connector's `token`
   * secret needs no value (whatever it puts in the header is replaced).
   */
  readonly secretDefaults: Readonly<Record<string, string>>;
}

/** With OAuth the transport sets `Authorization`, so the connector's own `token` secret needs no value. */
export const OAUTH_SECRET_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({ token: '' });

export function buildConnectorAuth(
  connector: string,
  base: ConnectorBaseConfig,
  ctx: { readonly configFile: string; readonly logger: Logger; readonly env?: NodeJS.ProcessEnv },
): ConnectorAuth {
  const baseDir = path.dirname(ctx.configFile);
  const refs = {
    ...(base.tls?.passphrase === undefined ? {} : { tlsPassphrase: base.tls.passphrase }),
    ...(base.auth === undefined ? {} : { clientSecret: base.auth.oauth2.clientSecret }),
    ...(base.auth?.oauth2.refreshToken === undefined ? {} : { refreshToken: base.auth.oauth2.refreshToken }),
  };
  const secret = createSecretReader({ connector, refs, baseDir, ...(ctx.env === undefined ? {} : { env: ctx.env }) });
  const https =
    base.tls === undefined
      ? undefined
      : createTlsOptions(base.tls, {
          connector,
          configFile: ctx.configFile,
          logger: ctx.logger,
          ...(base.tls.passphrase === undefined ? {} : { passphrase: () => secret('tlsPassphrase') }),
        });
  const oauth = base.auth?.oauth2;
  if (oauth === undefined) return { https, wrap: (t) => t, secretDefaults: {} };
  const refreshRef = oauth.refreshToken;
  const provider = createTokenProvider({
    connector,
    settings: oauth,
    clientSecret: () => secret('clientSecret'),
    ...(refreshRef === undefined ? {} : { refreshToken: () => secret('refreshToken') }),
    ...(refreshRef !== undefined && 'file' in refreshRef
      ? {
          // The file is the refresh token's home: a rotated one replaces it (0600), so a restart
          // uses the token the server still accepts.
          onRefreshToken: (token: string) => replaceFile(path.resolve(baseDir, refreshRef.file), `${token}\n`),
        }
      : {}),
    request: createTokenRequester({ timeoutMs: base.timeoutMs, ...(https === undefined ? {} : { https }) }),
    logger: ctx.logger,
  });
  return { https, wrap: (t) => withOAuth(t, provider), secretDefaults: OAUTH_SECRET_DEFAULTS };
}

/** Writes `text` to a new 0600 file and renames it over `file`: never a half-written or world-readable token. */
function replaceFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o600 });
  fs.renameSync(temporary, file);
}
