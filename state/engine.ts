/**
 * What differs between the engines the state store runs on, and nothing else: how the database is
 * opened and closed, and how a whole transaction is retried when the engine says another process
 * holds it. Every query module of state/ is shared, dialect-neutral kysely; SQLite
 * (state/sqlite-engine.ts, the default) and PostgreSQL (state/postgres-engine.ts) each supply one
 * of these (kysely's own split: a dialect is a factory, the queries are the same).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type EngineKind = 'sqlite' | 'postgres';

export interface StoreEngine {
  readonly kind: EngineKind;
  readonly db: Kysely<Database>;
  /** Where the store is, for messages: the SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** The migrations applied while opening (none when the schema was up to date). */
  readonly migrated: readonly string[];
  /**
   * Runs `work` (one whole transaction, or one statement), again while the engine reports the
   * database locked by another process. SQLite: exponential backoff, then `StoreBusyError`.
   * PostgreSQL: once (its writers wait on row locks instead of failing).
   */
  retry<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
