/**
 * The real Tryton server that `scripts/tryton/server.sh start` runs, as the tests see it: its
 * settings from `.tryton/env` (or the file named by TRYTON_ENV_FILE), a private database per
 * test file (a copy of the freshly created one, so files running in parallel never see each
 * other's records), and {@link describeTryton}, which refuses to let CI pass without Tryton.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { trytonConnector } from '../../../connectors/tryton/index.js';
import { TrytonRpc } from '../../../connectors/tryton/rpc.js';
import type { Connector, ConnectorContext } from '../../../connectors/types.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';

export interface TrytonEnv {
  readonly url: string;
  readonly db: string;
  readonly login: string;
  readonly passwordFile: string;
  readonly dbDir: string;
  /** A pristine copy of the database file, cloned by {@link privateDatabase}. */
  readonly template: string;
}

export const ENV_FILE = process.env['TRYTON_ENV_FILE'] ?? path.resolve('.tryton/env');

/** The server's settings, or undefined when no server was started. */
export function trytonEnv(): TrytonEnv | undefined {
  if (!fs.existsSync(ENV_FILE)) return undefined;
  const vars = Object.fromEntries(
    fs
      .readFileSync(ENV_FILE, 'utf8')
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  const need = (key: string): string => {
    const value = vars[key];
    if (value === undefined || value === '')
      throw new Error(`${ENV_FILE} has no ${key}: run bash scripts/tryton/server.sh start`);
    return value;
  };
  return {
    url: need('TRYTON_URL'),
    db: need('TRYTON_DB'),
    login: need('TRYTON_LOGIN'),
    passwordFile: need('TRYTON_PASSWORD_FILE'),
    dbDir: need('TRYTON_DB_DIR'),
    template: need('TRYTON_TEMPLATE'),
  };
}

/**
 * Registers `body` as a suite against the real Tryton server. Without a server: in CI
 * (CI=true) one failing test says how to start it; locally the suite is left out with a printed
 * note (and one test that checks this is not CI).
 */
export function describeTryton(title: string, body: (env: TrytonEnv) => void): void {
  const env = trytonEnv();
  if (env !== undefined) {
    describe(`[tryton] ${title}`, () => body(env));
    return;
  }
  const how = `no Tryton server (${ENV_FILE} is missing): run bash scripts/tryton/server.sh start`;
  if (process.env['CI'] === 'true') {
    describe(`[tryton] ${title}`, () => {
      it('has a real Tryton server in CI', () => {
        throw new Error(`${how}; CI must run the Tryton tests, they are never skipped there`);
      });
    });
    return;
  }
  console.warn(`[tryton] ${title}: left out, ${how}`);
  // Not named [tryton]: the closing count of real-server tests then says 0.
  describe(`${title} (left out: no Tryton server)`, () => {
    it('is left out only outside CI', ({ expect }) => {
      expect(process.env['CI']).not.toBe('true');
    });
  });
}

/** A database of its own: a copy of the pristine template (the named db may hold a user's data). */
export function privateDatabase(env: TrytonEnv, tag: string): { db: string; remove: () => void } {
  const db = `${env.db}_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const file = path.join(env.dbDir, `${db}.sqlite`);
  fs.copyFileSync(env.template, file);
  return { db, remove: () => fs.rmSync(file, { force: true }) };
}

export const password = (env: TrytonEnv): string => fs.readFileSync(env.passwordFile, 'utf8').trim();

function context(secret: () => string): ConnectorContext {
  return {
    http: createTransport({ logger: silentLogger(), retry: { limit: 2, baseDelayMs: 50 } }),
    logger: silentLogger(),
    secret: () => secret(),
  };
}

/** The connector against `db`, with the server's password or the given one. */
export function connectorFor(env: TrytonEnv, db: string, secret?: () => string, login = env.login): Connector {
  const config = trytonConnector.configSchema.parse({ url: env.url, db, login });
  return trytonConnector.create('erp', config, context(secret ?? (() => password(env))));
}

/** A raw RPC client against `db`, for setting up and checking what the connector did. */
export function rpcFor(env: TrytonEnv, db: string, secret?: () => string): TrytonRpc {
  const config = trytonConnector.configSchema.parse({ url: env.url, db, login: env.login });
  return new TrytonRpc('erp', config, context(secret ?? (() => password(env))));
}
