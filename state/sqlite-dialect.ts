/**
 * kysely's SQLite dialect with one change: transactions start with `BEGIN IMMEDIATE`.
 *
 * A plain `BEGIN` is deferred: the transaction reads first and takes the write lock only at its
 * first write. In WAL mode, if another process committed in between, that upgrade fails at once
 * with SQLITE_BUSY ("database is locked") and `busy_timeout` is never consulted, because waiting
 * cannot help a snapshot that is already stale (https://sqlite.org/rescode.html#busy_snapshot,
 * https://sqlite.org/lang_transaction.html). Every transaction of the store writes, so each takes
 * the write lock up front and waits for it under `busy_timeout` instead.
 */
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';
import type { SqliteDialectConfig } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** `SqliteDialect` whose transactions begin immediate (they wait for the write lock, then cannot fail on it). */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}
