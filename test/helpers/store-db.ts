/**
 * The kysely database behind a state store, for tests that look at rows directly (Tandem itself
 * goes through the store's methods: nothing outside state/ writes SQL).
 */
import type { Kysely } from 'kysely';
import type { StateStore } from '../../state/index.js';
import type { Database } from '../../state/schema.js';
import { KyselyStateStore } from '../../state/store.js';

export function dbOf(store: StateStore): Kysely<Database> {
  if (!(store instanceof KyselyStateStore)) throw new Error('not a kysely state store');
  return store.db;
}
