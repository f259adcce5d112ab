/**
 * A refused login against the real trytond, counted twice: the login requests Tandem sends, and
 * the failed attempts Tryton itself records (`res.user.login.attempt`, which its lockout counts:
 * more than `[session] max_attempt`, default 5, within `[session] timeout` locks the login out).
 * Before, one `validate` spent 3 failed logins and every run retried a refused login 4 times.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trytonConnector } from '../../../connectors/tryton/index.js';
import type { Connector } from '../../../connectors/types.js';
import { createTransport, type HttpTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { describeTryton, password, privateDatabase, type TrytonEnv } from './server.js';

describeTryton('a refused Tryton login is never retried blindly', (env: TrytonEnv) => {
  let database: { db: string; remove: () => void };
  beforeAll(() => {
    database = privateDatabase(env, 'lockout');
  });
  afterAll(() => database.remove());

  /** Failed logins Tryton recorded for `login` in the private database. */
  const recordedFailures = (login: string): number => {
    const db = new Database(path.join(env.dbDir, `${database.db}.sqlite`), { readonly: true });
    try {
      const row = db.prepare('SELECT count(*) AS n FROM res_user_login_attempt WHERE login = ?').get(login) as {
        n: number;
      };
      return row.n;
    } finally {
      db.close();
    }
  };

  it('one validate-like sequence and two runs with a wrong password spend one failed login; the right one gets in', async () => {
    // The transport as a config builds it: retries on (the default 4).
    const inner = createTransport({ logger: silentLogger(), connector: 'erp', retry: { limit: 4, baseDelayMs: 10 } });
    let logins = 0;
    const http: HttpTransport = {
      request(request) {
        if ((request.json as { method?: string } | undefined)?.method === 'common.db.login') logins++;
        return inner.request(request);
      },
    };
    let secret = 'not-the-password';
    const config = trytonConnector.configSchema.parse({ url: env.url, db: database.db, login: env.login });
    const erp: Connector = trytonConnector.create('erp', config, {
      http,
      logger: silentLogger(),
      secret: () => secret,
    });

    // What `tandem validate` does: check the credentials, then describe the mapped objects.
    const refused: unknown = await erp.check().catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'AUTH_FAILED', status: 401, retryable: false });
    expect((refused as Error).message).toMatch(/check the login and the password secret/);
    await expect(erp.schema.describe('party.party')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    // Two runs' first reads.
    for (let run = 0; run < 2; run++) {
      const pages = erp.reader.readChanges('party.party', { cursor: null, fields: ['name'] })[Symbol.asyncIterator]();
      await expect(pages.next()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    }
    expect(logins).toBe(1);
    expect(recordedFailures(env.login)).toBe(1);

    // The operator fixes the secret: tried at once, and Tryton clears the failed attempts.
    secret = password(env);
    expect(await erp.check().catch((e: unknown) => JSON.stringify(e))).toBeUndefined();
    expect(logins).toBe(2);
    expect(recordedFailures(env.login)).toBe(0);
  });
});
