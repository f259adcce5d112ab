/**
 * A throw-away PostgreSQL database for one test file, on the server every machine of the project
 * runs (127.0.0.1:5432, trust authentication, user postgres; `TANDEM_TEST_PG` overrides the server
 * URL). Its name starts with `TANDEM_TEST_DB_PREFIX` (default `tandem_test_`) and a random part, so
 * parallel files and machines never share one; `drop()` removes it, connections and all.
 */
import crypto from 'node:crypto';
import pg from 'pg';

const SERVER = process.env.TANDEM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  readonly name: string;
  /** `postgres://postgres@127.0.0.1:5432/<name>`: no password, no parameters (the store refuses those). */
  readonly url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const prefix = process.env.TANDEM_TEST_DB_PREFIX ?? 'tandem_test_';
  const name = `${prefix}${crypto.randomBytes(6).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe database name: ${name}`);
  await admin((client) => client.query(`create database ${name}`));
  return {
    name,
    url: `${SERVER}/${name}`,
    drop: () => admin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
