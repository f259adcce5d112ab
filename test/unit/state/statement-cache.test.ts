import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachingStatements, ImmediateSqliteDialect } from '../../../state/sqlite-dialect.js';

interface Db {
  t: { id: number; name: string };
}

/** A database that counts its prepares. */
function counting(): { sqlite: SQLite.Database; prepares: () => number } {
  const sqlite = new SQLite(':memory:');
  let count = 0;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((text: string) => {
    count++;
    return prepare(text);
  }) as typeof sqlite.prepare;
  return { sqlite, prepares: () => count };
}

describe('the SQLite dialect keeps prepared statements by SQL text', () => {
  let sqlite: SQLite.Database;
  let prepares: () => number;
  let db: Kysely<Db>;

  beforeEach(async () => {
    ({ sqlite, prepares } = counting());
    db = new Kysely<Db>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
    await sql`create table t (id integer primary key, name text not null)`.execute(db);
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('prepares a text once, and each execution binds its own parameters', async () => {
    for (const [id, name] of [
      [1, 'Ada'],
      [2, 'Grace'],
      [3, 'Edsger'],
    ] as const)
      await db.insertInto('t').values({ id, name }).execute();
    const before = prepares();
    const byId = async (id: number): Promise<string | undefined> =>
      (await db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst())?.name;
    expect(await byId(2)).toBe('Grace');
    expect(await byId(3)).toBe('Edsger');
    expect(await byId(1)).toBe('Ada');
    expect(await byId(9)).toBeUndefined();
    expect(prepares() - before).toBe(1);
    // The insert was prepared once for three rows too (create table + insert + select = 3).
    expect(prepares()).toBe(3);
  });

  it('returns the new columns of `select *` after a migration altered the table', async () => {
    await db.insertInto('t').values({ id: 1, name: 'Ada' }).execute();
    const all = (): Promise<Record<string, unknown>[]> =>
      db.selectFrom('t').selectAll().execute() as Promise<Record<string, unknown>[]>;
    expect(await all()).toEqual([{ id: 1, name: 'Ada' }]);
    await sql`alter table t add column email text`.execute(db);
    await sql`update t set email = 'ada@example.com'`.execute(db);
    expect(await all()).toEqual([{ id: 1, name: 'Ada', email: 'ada@example.com' }]);
  });

  it('rolls back a transaction whose statements were kept, and commits the next', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 1, name: 'Ada' }).execute();
        await trx.insertInto('t').values({ id: 1, name: 'again' }).execute();
      }),
    ).rejects.toThrow(/UNIQUE/);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 1, name: 'Ada' }).execute();
    });
    expect(await db.selectFrom('t').selectAll().execute()).toEqual([{ id: 1, name: 'Ada' }]);
  });
});

describe('cachingStatements', () => {
  it('keeps at most `size` statements, dropping the least recently used', () => {
    const { sqlite, prepares } = counting();
    const cached = cachingStatements(sqlite, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // used again: 'select 2' is now the oldest
    cached.prepare('select 3'); // drops 'select 2'
    expect(prepares()).toBe(3);
    cached.prepare('select 1');
    cached.prepare('select 3');
    expect(prepares()).toBe(3);
    cached.prepare('select 2');
    expect(prepares()).toBe(4);
    cached.close();
    expect(sqlite.open).toBe(false);
  });

  it('hands out a fresh statement while the kept one is still iterating', () => {
    const { sqlite } = counting();
    sqlite.exec('create table t (id integer primary key); insert into t values (1), (2), (3)');
    const cached = cachingStatements(sqlite);
    const text = 'select id from t order by id';
    const seen: unknown[] = [];
    for (const outer of (cached.prepare(text) as SQLite.Statement).iterate())
      seen.push([outer, (cached.prepare(text) as SQLite.Statement).all()]);
    expect(seen).toHaveLength(3);
    expect((cached.prepare(text) as SQLite.Statement).all()).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    cached.close();
  });
});
