/**
 * Applying the schema migrations (state/migrations.ts) on either engine, and telling whether a
 * database needs any: the SQLite store migrates itself at open, a PostgreSQL one only through
 * `tandem migrate` (several daemons share it, so its schema moves ahead of a deploy, not at a start).
 */
import { Migrator, sql, type Kysely } from 'kysely';
import type { EngineKind } from './engine.js';
import { StoreSchemaError } from './errors.js';
import { migrationProviderFor } from './migrations.js';
import type { Database } from './schema.js';

/** The migrations not applied yet to `db`, in order; all of them for a new database. */
export async function pendingMigrations(db: Kysely<Database>, kind: EngineKind): Promise<string[]> {
  const wanted = Object.keys(await migrationProviderFor(kind).getMigrations()).sort();
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return wanted.filter((name) => !applied.has(name));
  } catch (error) {
    // No migration table yet: a new database. Anything else (the server refused the connection,
    // TLS failed) is that error, not a schema to create.
    if (isMissingTable(error)) return wanted;
    throw error;
  }
}

/** SQLite's "no such table", PostgreSQL's undefined_table (42P01). */
function isMissingTable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /^no such table/.test(error.message) || ('code' in error && error.code === '42P01');
}

/**
 * Applies every pending migration; returns the names applied. kysely's migrator takes its own
 * lock (a lock table on PostgreSQL, the write lock on SQLite), so two processes migrating at once
 * apply each migration once.
 */
export async function migrate(db: Kysely<Database>, kind: EngineKind, location: string): Promise<string[]> {
  if ((await pendingMigrations(db, kind)).length === 0) return [];
  const migrator = new Migrator({ db, provider: migrationProviderFor(kind) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreSchemaError(
      `state store ${location}: migration ${failed} failed: ${String(error)}`,
      location,
      error,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
