/**
 * The state store on PostgreSQL from the config (`state:`): `tandem migrate` brings a new database's
 * schema up, every other command refuses one that is behind, TLS is on (and verified) unless the
 * config says `tls: false`, and the password is a secret reference, never part of the URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { main } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/logger.js';
import { preflight } from '../../../src/preflight.js';
import { stateLocation } from '../../../src/runtime/state-location.js';
import { writeTestConfig } from '../../helpers/config.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.js';
import { captureOutput } from '../../helpers/output.js';
import { tempDir } from '../../helpers/tmp.js';

describe('state: on PostgreSQL', () => {
  let database: TestDatabase;
  const tmp = tempDir();
  const withState = (state: string): string => {
    const file = writeTestConfig({ dir: tmp.dir });
    fs.appendFileSync(file, `state:\n${state}\n`);
    return file;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
    tmp.cleanup();
  });

  it('refuses a schema that is behind; `tandem migrate` applies it once; then commands use it', async () => {
    const config = withState(`  url: ${database.url}\n  tls: false`);
    const before = captureOutput();
    expect(await main(['node', 'tandem', 'status', '--config', config], before)).not.toBe(0);
    expect(before.lines.join('\n')).toMatch(/not applied yet.*tandem migrate/);

    const first = captureOutput();
    expect(await main(['node', 'tandem', 'migrate', '--config', config, '--json'], first)).toBe(0);
    expect(first.objects).toEqual([
      { location: database.url, applied: expect.arrayContaining(['0001_initial', '0010_link_markers']) },
    ]);
    const again = captureOutput();
    expect(await main(['node', 'tandem', 'migrate', '--config', config], again)).toBe(0);
    expect(again.lines).toEqual([`${database.url}: schema up to date`]);

    const status = captureOutput();
    expect(await main(['node', 'tandem', 'status', '--config', config, '--json'], status)).toBe(0);
    expect(status.objects).toHaveLength(1);
    // The SQLite file was never made: the state is in PostgreSQL.
    expect(fs.existsSync(path.join(tmp.dir, 'data', 'tandem.sqlite'))).toBe(false);
  });

  it('turns TLS on and verifies the server by default: a server without TLS is refused, not used in clear', async () => {
    const config = loadConfig(withState(`  url: ${database.url}`));
    const location = stateLocation(config, silentLogger());
    expect(location).toMatchObject({ engine: 'postgres', tls: { rejectUnauthorized: true } });
    await expect(StateStore.connect(location)).rejects.toThrow(/does not support SSL/);
  });

  it('reads the password from its secret reference, and refuses one written in the URL', async () => {
    const config = withState(`  url: ${database.url}\n  password: { env: H_PG_TEST_PASSWORD }\n  tls: false`);
    expect(() => preflight(config, { connect: false, env: {} })).toThrow(
      /state\.password.*H_PG_TEST_PASSWORD is not set/s,
    );
    const location = stateLocation(loadConfig(config), silentLogger());
    process.env.H_PG_TEST_PASSWORD = 'rotated-secret';
    try {
      expect(location.engine === 'postgres' && location.password?.()).toBe('rotated-secret');
    } finally {
      delete process.env.H_PG_TEST_PASSWORD;
    }
    const inUrl = withState(`  url: postgres://postgres:hunter2@127.0.0.1:5432/x`);
    expect(() => loadConfig(inUrl)).toThrow(/state\.url.*holds a password/s);
    expect(() => loadConfig(inUrl)).not.toThrow(/hunter2/);
    expect(() => loadConfig(withState(`  url: ${database.url}?sslmode=disable`))).toThrow(/query parameters/);
  });
});
