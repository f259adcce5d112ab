/**
 * kysely's SQLite dialect with two changes: transactions start with `BEGIN IMMEDIATE`, and prepared
 * statements are kept and reused by SQL text.
 *
 * A plain `BEGIN` is deferred: the transaction reads first and takes the write lock only at its
 * first write. In WAL mode, if another process committed in between, that upgrade fails at once
 * with SQLITE_BUSY ("database is locked") and `busy_timeout` is never consulted, because waiting
 * cannot help a snapshot that is already stale (https://sqlite.org/rescode.html#busy_snapshot,
 * https://sqlite.org/lang_transaction.html). Every transaction of the store writes, so each takes
 * the write lock up front and waits for it under `busy_timeout` instead.
 *
 * kysely's SqliteDriver prepares every query it runs (`db.prepare(sql)` per execution): on a
 * backfill that was 16% of the engine's time, tens of thousands of prepares for a few dozen
 * texts. SQLite re-prepares a kept statement by itself when the schema changed since
 * (sqlite3_prepare_v2, https://sqlite.org/c3ref/prepare.html), so a kept statement stays correct
 * across migrations.
 */
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import type { SqliteDatabase, SqliteDialectConfig, SqliteStatement } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** The part of a better-sqlite3 statement the cache needs besides what kysely uses. */
interface CacheableStatement extends SqliteStatement {
  /** True while an iterator of it is open: it cannot run again until that ends. */
  readonly busy?: boolean;
}

/** The part of a better-sqlite3 database the cache wraps. */
export interface PreparingDatabase {
  close(): unknown;
  prepare(sql: string): CacheableStatement;
}

/** How many statements a connection keeps: more than the store's distinct texts, bounded for `in (...)` lists. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * `database` whose `prepare` returns a kept statement for a text prepared before (least recently
 * used dropped beyond `size`). A statement still iterating (a stream) is not handed out twice: the
 * caller gets a fresh one.
 */
export function cachingStatements(database: PreparingDatabase, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const kept = new Map<string, CacheableStatement>();
  return {
    close: () => {
      kept.clear();
      database.close();
    },
    prepare: (sql: string): SqliteStatement => {
      const hit = kept.get(sql);
      if (hit !== undefined && hit.busy !== true) {
        kept.delete(sql);
        kept.set(sql, hit);
        return hit;
      }
      const statement = database.prepare(sql);
      if (hit === undefined) {
        kept.set(sql, statement);
        if (kept.size > size) kept.delete(kept.keys().next().value as string);
      }
      return statement;
    },
  };
}

/** `SqliteDialect` whose transactions begin immediate and whose statements are prepared once per text. */
export class ImmediateSqliteDialect extends SqliteDialect {
  private readonly settings: SqliteDialectConfig;

  constructor(settings: Omit<SqliteDialectConfig, 'database'> & { readonly database: PreparingDatabase }) {
    const config = { ...settings, database: cachingStatements(settings.database) };
    super(config);
    this.settings = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}
