/**
 * Opening the state store on its engine: a SQLite file (the default, `StateStore.open(file)`) or a
 * PostgreSQL database (`StateStore.connect({ engine: 'postgres', ... })`).
 */
import type { StoreEngine } from './engine.js';
import { openPostgres, type PostgresSettings } from './postgres-engine.js';
import { openSqlite, type StoreOptions } from './sqlite-engine.js';
import type { StateStore } from './state-store.js';
import { KyselyStateStore } from './store.js';

/** Where the state store lives. */
export type StoreLocation =
  | ({ readonly engine: 'sqlite'; readonly file: string } & StoreOptions)
  | ({ readonly engine: 'postgres' } & PostgresSettings);

type Clock = () => string;

/** Opens the engine of `location` (SQLite: creating, 0600, migrating; PostgreSQL: see `migrate`). */
export function openEngine(location: StoreLocation): Promise<StoreEngine> {
  return location.engine === 'sqlite' ? openSqlite(location.file, location) : openPostgres(location);
}

/** The state store at `location`; runs and backfills a crashed process left open are marked interrupted. */
export async function connectStore(location: StoreLocation, now?: Clock): Promise<StateStore> {
  return KyselyStateStore.over(await openEngine(location), now);
}

/** The SQLite store at `file` (created 0600 and migrated as needed). */
export function openStore(file: string, now?: Clock, options: StoreOptions = {}): Promise<StateStore> {
  return connectStore({ engine: 'sqlite', file, ...options }, now);
}

/**
 * Applies the pending schema migrations of the store at `location` (`tandem migrate`) and closes it:
 * the names applied, none when it was up to date. (A SQLite store also migrates at every open.)
 */
export async function migrateStore(location: StoreLocation): Promise<{ location: string; applied: readonly string[] }> {
  const engine = await openEngine(location.engine === 'postgres' ? { ...location, migrate: true } : location);
  await engine.close();
  return { location: engine.location, applied: engine.migrated };
}
