/**
 * Migration 0010 on a store written by an older Tandem: the sentinel keys it kept inside base
 * snapshots (`@archived`, `@deleted:crm`) move to the link's own columns, and a pending archive or
 * restore keeps what it will do to its link on confirm; the version a write was planned on leaves
 * the vendor payload for its own column.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationProvider } from '../../../state/migrations.js';
import { markersOf, StateStore } from '../../../state/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { dbOf } from '../../helpers/store-db.js';

/** A store file in the shape migration 0009 left it, with rows an older Tandem wrote. */
async function oldStore(file: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0009_webhook_replay');
  expect(error).toBeUndefined();
  const link = (crm: string, erp: string, base: object) =>
    sql`insert into links (sync, crm_id, erp_id, base, payload_hash, updated_at)
        values ('contacts', ${crm}, ${erp}, ${JSON.stringify(base)}, '', '2026-01-01T00:00:00Z')`.execute(db);
  await link('1', '11', { email: 'a@example.com', '@archived': 'crm', '@deleted:erp': '2026-01-02T00:00:00Z' });
  await link('2', '12', {
    email: '@handle',
    '@deleted:crm': '2026-01-03T00:00:00Z',
    '@deleted:erp': '2026-01-04T00:00:00Z',
  });
  await link('3', '13', { email: 'c@example.com', '@archived': null });
  await link('4', '14', { email: 'd@example.com' });
  const op = (id: number, action: string, base: object | null, payload: object = {}) =>
    sql`insert into outbox (id, sync, target_side, object, action, idempotency_key, source_id, target_id,
        payload, payload_hash, base, status, attempts, created_at, updated_at)
        values (${id}, 'contacts', 'erp', 'res.partner', ${action}, ${`k${id}`}, '5', '15', ${JSON.stringify(payload)}, 'h',
        ${base === null ? null : JSON.stringify(base)}, 'pending', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`.execute(
      db,
    );
  await op(1, 'archive', { '@archived': 'erp' });
  await op(2, 'upsert', { '@archived': null });
  await op(3, 'upsert', { email: 'e@example.com' });
  await op(4, 'archive', null);
  await op(5, 'upsert', { email: 'f@example.com' }, { city: 'Paris', '@planned': { version: '2026-01-05T00:00:00Z' } });
  await db.destroy();
}

describe('migration 0010_link_markers', () => {
  let dir: string;
  let cleanup: () => void;
  let store: StateStore | undefined;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterEach(async () => {
    await store?.close();
    cleanup();
  });

  it('moves the sentinel keys out of every base into the link and outbox columns', async () => {
    const file = path.join(dir, 'old.sqlite');
    await oldStore(file);
    store = await StateStore.open(file);

    const links = await dbOf(store).selectFrom('links').selectAll().orderBy('crm_id').execute();
    expect(links.map((l) => JSON.parse(l.base) as unknown)).toEqual([
      { email: 'a@example.com' },
      { email: '@handle' },
      { email: 'c@example.com' },
      { email: 'd@example.com' },
    ]);
    expect(links.map((l) => markersOf(l))).toEqual([
      { archivedByUs: 'crm', deletesHandled: { erp: '2026-01-02T00:00:00Z' } },
      { archivedByUs: null, deletesHandled: { crm: '2026-01-03T00:00:00Z', erp: '2026-01-04T00:00:00Z' } },
      { archivedByUs: null, deletesHandled: {} },
      { archivedByUs: null, deletesHandled: {} },
    ]);

    const ops = await dbOf(store).selectFrom('outbox').select(['id', 'base', 'link_markers']).orderBy('id').execute();
    expect(ops).toEqual([
      { id: 1, base: '{}', link_markers: '{"archivedByUs":"erp"}' },
      { id: 2, base: '{}', link_markers: '{"archivedByUs":null}' },
      { id: 3, base: '{"email":"e@example.com"}', link_markers: null },
      { id: 4, base: null, link_markers: null },
      { id: 5, base: '{"email":"f@example.com"}', link_markers: null },
    ]);
  });

  it('moves the planned version out of the outbox payload into its own column', async () => {
    const file = path.join(dir, 'old.sqlite');
    await oldStore(file);
    store = await StateStore.open(file);
    const ops = await dbOf(store)
      .selectFrom('outbox')
      .select(['id', 'payload', 'planned_version'])
      .orderBy('id')
      .execute();
    expect(ops.map((o) => [o.id, JSON.parse(o.payload) as unknown, o.planned_version])).toEqual([
      [1, {}, null],
      [2, {}, null],
      [3, {}, null],
      [4, {}, null],
      [5, { city: 'Paris' }, '2026-01-05T00:00:00Z'],
    ]);
  });

  it('a pending archive from before the upgrade still marks its link as archived by us on confirm', async () => {
    const file = path.join(dir, 'old.sqlite');
    await oldStore(file);
    store = await StateStore.open(file);
    const [archive] = await store.pendingOperations('contacts', 'erp', 1);
    if (archive === undefined) throw new Error('no pending operation');
    await store.confirmOperation(archive, '15');
    const link = (await store.links('contacts', ['5'])).get('5');
    if (link === undefined) throw new Error('no link');
    expect(JSON.parse(link.base)).toEqual({});
    expect(markersOf(link)).toEqual({ archivedByUs: 'erp', deletesHandled: {} });
  });
});
