/**
 * The state store contract on PostgreSQL: one throw-away database for this file (test/helpers/postgres.ts),
 * migrated by `migrateStore` as `tandem migrate` does, emptied between tests. Also: the schema the
 * PostgreSQL migrations build is the SQLite one (tables, columns, nullability, keys).
 */
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStore, StateStore, type StoreLocation } from '../../state/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { dbOf } from '../helpers/store-db.js';
import { tempDir } from '../helpers/tmp.js';
import { storeContract } from './store-contract.js';

let database: TestDatabase;
let location: StoreLocation;

beforeAll(async () => {
  database = await createTestDatabase();
  location = { engine: 'postgres', url: database.url, tls: false, poolSize: 4 };
  // Each migration applied once, then nothing left.
  const first = await migrateStore(location);
  expect(first.applied).toContain('0010_link_markers');
  expect(first.location).toBe(`${database.url}`);
  expect((await migrateStore(location)).applied).toEqual([]);
});
afterAll(async () => {
  await database.drop();
});

describe('state store contract: PostgreSQL', () => {
  storeContract(() => ({
    async reset() {
      const store = await StateStore.connect(location);
      const db = dbOf(store);
      const { rows } = await sql<{ tablename: string }>`
        select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'`.execute(db);
      await sql`truncate table ${sql.join(rows.map((r) => sql.table(r.tablename)))} restart identity`.execute(db);
      await store.close();
    },
    open: (now) => StateStore.connect(location, now),
  }));
});

describe('PostgreSQL schema', () => {
  it('is the SQLite schema: the same tables and columns, nullability, defaults and generated ids', async () => {
    const tmp = tempDir();
    const lite = await StateStore.open(path.join(tmp.dir, 'tandem.sqlite'));
    const pg = await StateStore.connect(location);
    try {
      // SQLite lets a primary key column hold NULL unless declared NOT NULL (a documented quirk,
      // https://sqlite.org/lang_createtable.html#the_primary_key); PostgreSQL's never does. The store
      // never writes one, so a key column counts as not null on both.
      const keys = async (table: string): Promise<Set<string>> => {
        const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table}) where pk > 0`.execute(
          dbOf(lite),
        );
        return new Set(rows.map((r) => r.name));
      };
      const shape = async (store: StateStore) => {
        const tables = await dbOf(store).introspection.getTables();
        const out = [];
        for (const t of tables) {
          const key = await keys(t.name);
          const column = (c: (typeof t.columns)[number]): string =>
            c.name +
            (c.isNullable && !key.has(c.name) ? '?' : '') +
            (c.hasDefaultValue && !c.isAutoIncrementing ? '=' : '') +
            (c.isAutoIncrementing ? '++' : '');
          out.push({ table: t.name, columns: t.columns.map(column).sort() });
        }
        return out.sort((x, y) => x.table.localeCompare(y.table));
      };
      expect(await shape(pg)).toEqual(await shape(lite));
    } finally {
      await lite.close();
      await pg.close();
      tmp.cleanup();
    }
  });

  it('refuses to open a database whose schema is behind, naming `tandem migrate`', async () => {
    const empty = await createTestDatabase();
    try {
      await expect(StateStore.connect({ engine: 'postgres', url: empty.url, tls: false })).rejects.toMatchObject({
        code: 'STATE_SCHEMA',
        message: expect.stringMatching(
          /\d+ schema migration\(s\) not applied yet \(first: 0001_initial\).*tandem migrate/,
        ),
      });
    } finally {
      await empty.drop();
    }
  });
});
