/**
 * The SQLite engine (the default): creates the file with mode 0600 before SQLite touches it, turns
 * on WAL, applies pending migrations, and retries a transaction while another process holds the
 * write lock. Transactions begin immediate (state/sqlite-dialect.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { withBusyRetry, type BusyRetry } from './busy.js';
import type { StoreEngine } from './engine.js';
import { migrate } from './migrate.js';
import { ImmediateSqliteDialect } from './sqlite-dialect.js';
import type { Database } from './schema.js';

export interface OpenOptions {
  /** How long a statement waits for another process's write lock before SQLITE_BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/** How the store opens: SQLite's own wait for a lock, and the retries around a transaction after it. */
export interface StoreOptions extends OpenOptions {
  readonly busyRetry?: BusyRetry;
}

/** Opens (and creates, 0600) the SQLite file at `file`, migrated to the latest schema. */
export async function openSqlite(file: string, options: StoreOptions = {}): Promise<StoreEngine> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  sqlite.pragma('foreign_keys = ON');
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.chmodSync(file + suffix, 0o600);
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  // Usually nothing to apply, and then no write lock is taken (kysely's migrator takes one even
  // when there is nothing to do, and a dozen commands opening the store beside a busy daemon would
  // queue for it).
  let migrated: string[];
  try {
    migrated = await migrate(db, 'sqlite', file);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const retry = options.busyRetry ?? {};
  return {
    kind: 'sqlite',
    db,
    location: file,
    migrated,
    retry: (work) => withBusyRetry(file, work, retry),
    close: () => db.destroy(),
  };
}
