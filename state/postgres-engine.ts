/**
 * The PostgreSQL engine: kysely's `PostgresDialect` over a `pg` pool. Its schema moves only through
 * `tandem migrate` (several daemons may share the database; one that starts on an older schema is
 * refused with that advice instead of migrating under the others). TLS is on and verified unless
 * the settings say otherwise. `bigint` columns (row ids, epoch milliseconds, `count(*)`) come back
 * as numbers, as they do from SQLite.
 */
import type { ConnectionOptions } from 'node:tls';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { StoreEngine } from './engine.js';
import { StoreSchemaError } from './errors.js';
import { migrate, pendingMigrations } from './migrate.js';
import { parsePostgresUrl } from './postgres-url.js';
import type { Database } from './schema.js';

export interface PostgresSettings {
  /** `postgres://user@host:port/database`: no password (see `password`), no query parameters. */
  readonly url: string;
  /** Read at every new connection, so a rotated password is used without a restart. */
  readonly password?: () => string;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** `false`: plaintext (a local server only). Otherwise node's TLS options; verification stays on unless `rejectUnauthorized: false`. */
  readonly tls: false | ConnectionOptions;
  /** How long a new connection may take. Default 10000 ms. */
  readonly connectTimeoutMs?: number;
  /** Apply pending migrations (`tandem migrate`) instead of refusing to open. Default false. */
  readonly migrate?: boolean;
  /** An idle pooled connection failed (the server restarted): the pool drops it; this is told. */
  readonly onIdleError?: (error: Error) => void;
}

const INT8 = 20;

/** `bigint` as a number: every one the store holds (ids, epoch ms, counts) is far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** Connects to the PostgreSQL database of `settings` and checks (or, with `migrate`, brings) its schema up to date. */
export async function openPostgres(settings: PostgresSettings): Promise<StoreEngine> {
  const target = parsePostgresUrl(settings.url);
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    ...(settings.password === undefined ? {} : { password: settings.password }),
    max: settings.poolSize ?? 10,
    ssl: settings.tls === false ? false : { servername: target.host, ...settings.tls },
    connectionTimeoutMillis: settings.connectTimeoutMs ?? 10_000,
    types,
  });
  pool.on('error', (error) => settings.onIdleError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const location = target.display;
  let migrated: string[] = [];
  try {
    if (settings.migrate === true) migrated = await migrate(db, 'postgres', location);
    else await refuseOldSchema(db, location);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { kind: 'postgres', db, location, migrated, retry: (work) => work(), close: () => db.destroy() };
}

async function refuseOldSchema(db: Kysely<Database>, location: string): Promise<void> {
  const pending = await pendingMigrations(db, 'postgres');
  if (pending.length === 0) return;
  throw new StoreSchemaError(
    `state store ${location}: ${pending.length} schema migration(s) not applied yet (first: ${pending[0] ?? ''}); run \`tandem migrate\` once before starting Tandem on this database`,
    location,
  );
}
