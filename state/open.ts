/**
 * Opens the state database: creates the file with mode 0600 before SQLite touches it, turns on
 * WAL, and applies pending migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, sql } from 'kysely';
import type { BusyRetry } from './busy.js';
import { migrationProvider } from './migrations.js';
import { ImmediateSqliteDialect } from './sqlite-dialect.js';
import type { Database } from './schema.js';

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly file: string;
}

export interface OpenOptions {
  /** How long a statement waits for another process's write lock before SQLITE_BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/** How the store opens: SQLite's own wait for a lock, and the retries around a transaction after it. */
export interface StoreOptions extends OpenOptions {
  readonly busyRetry?: BusyRetry;
}

/** Opens (and creates, 0600) the SQLite file at `file`, migrated to the latest schema. */
export async function openDatabase(file: string, options: OpenOptions = {}): Promise<OpenedDatabase> {
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
  if (await upToDate(db)) return { db, file };
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`state store ${file}: migration ${failed} failed: ${String(error)}`);
  }
  return { db, file };
}

/**
 * True when every migration is applied already: the usual open, which then needs no write lock
 * (kysely's migrator takes one for its transaction even when there is nothing to do, and a dozen
 * commands opening the store beside a busy daemon would queue for it).
 */
async function upToDate(db: Kysely<Database>): Promise<boolean> {
  const wanted = Object.keys(await migrationProvider.getMigrations());
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return wanted.every((name) => applied.has(name));
  } catch {
    // No migration table yet: a new file.
    return false;
  }
}
