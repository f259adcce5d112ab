/**
 * The sandbox CRM's SQLite store: one row per record, the user-set properties as JSON, and the
 * system properties (id, create and modification time, archived) as indexed columns. The index on
 * (object, archived, modification time, id) keeps searches over 100,000 records fast without
 * loading them; expression indexes back lookups by unique property.
 *
 * Search is an index fed after the write (HubSpot: changes "may take a few moments" to appear in
 * search). Each row keeps `indexed_at`, the wall-clock time from which search sees its current
 * version; GET and batch read see it at once. While the index lags, the row is left out of search
 * altogether (HubSpot would still serve the previous version, dated before the change: either way
 * a reader that resumes after a cursor cannot see the change yet).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type CustomProperties, customProperties } from './custom-properties.js';
import { MODIFIED_PROPERTY, OBJECT_TYPES, type ObjectType, uniqueProperties } from './properties.js';

/** One stored record; `properties` holds only user-set values (all strings). */
export interface StoredRecord {
  readonly object: ObjectType;
  readonly id: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly archived: boolean;
  readonly archivedAt: number | null;
  readonly properties: Readonly<Record<string, string>>;
}

interface Row {
  object_type: string;
  id: number;
  created_at: number;
  updated_at: number;
  archived: number;
  archived_at: number | null;
  props: string;
}

export interface HubspotStore {
  readonly db: Database.Database;
  /** Properties and groups created through the properties API. */
  readonly custom: CustomProperties;
  /** A strictly non-decreasing clock in epoch ms that survives restarts. */
  tick(): number;
  get(object: ObjectType, id: number, archived?: boolean): StoredRecord | undefined;
  /** The record whose unique property has this value (live records, or archived ones). */
  findByUnique(object: ObjectType, property: string, value: string, archived?: boolean): StoredRecord | undefined;
  insert(object: ObjectType, properties: Record<string, string>, at: number, createdAt?: number): StoredRecord;
  /** `indexLagMs`: how long search does not see this version; the store's search-index lag when absent. */
  update(record: StoredRecord, properties: Record<string, string>, at: number, indexLagMs?: number): StoredRecord;
  archive(record: StoredRecord, at: number): void;
  /** Brings an archived record back (the recycle bin's "restore"), modified at `at`. */
  restore(record: StoredRecord, at: number): void;
  /**
   * From now on every write becomes visible to search `lag()` ms after it is made (the
   * `searchIndexLagMs` fault); set after seeding, so the seed is indexed.
   */
  setSearchIndexLag(lag: () => number): void;
  /** True once a write lagged: searches then leave out rows not yet indexed. */
  searchLags(): boolean;
  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T;
  count(): number;
  close(): void;
}

/** The SQL expression that reads a property, system ones from their columns. */
export function columnFor(object: ObjectType, property: string): string {
  if (property === 'hs_object_id') return 'id';
  if (property === 'createdate') return 'created_at';
  if (property === MODIFIED_PROPERTY[object]) return 'updated_at';
  if (!/^[a-z0-9_]+$/.test(property)) throw new Error(`unsafe property name ${property}`);
  return `json_extract(props, '$.${property}')`;
}

export function toRecord(row: Row): StoredRecord {
  return {
    object: row.object_type as ObjectType,
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archived: row.archived === 1,
    archivedAt: row.archived_at,
    properties: JSON.parse(row.props) as Record<string, string>,
  };
}

/** Creates the tables and indexes a store needs (idempotent), and upgrades an older store's table. */
function createSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS objects (
      object_type TEXT NOT NULL,
      id INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      archived INTEGER NOT NULL DEFAULT 0,
      archived_at INTEGER,
      props TEXT NOT NULL,
      PRIMARY KEY (object_type, id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS objects_by_modified ON objects (object_type, archived, updated_at, id);
    CREATE INDEX IF NOT EXISTS objects_by_created ON objects (object_type, archived, created_at, id);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `);
  // Stores made before the search-index lag was modelled: every row there is indexed.
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(objects)').all();
  if (!columns.some((c) => c.name === 'indexed_at'))
    db.exec('ALTER TABLE objects ADD COLUMN indexed_at INTEGER NOT NULL DEFAULT 0');
  const uniqueNames = new Set(OBJECT_TYPES.flatMap((o) => uniqueProperties(o)));
  for (const name of uniqueNames) {
    db.exec(`CREATE INDEX IF NOT EXISTS objects_by_${name} ON objects (object_type, ${columnFor('contacts', name)})`);
  }
}

/** The store's statements, prepared once. */
function prepareStatements(db: Database.Database) {
  return {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    selectOne: db.prepare<[string, number, number], Row>(
      'SELECT * FROM objects WHERE object_type = ? AND id = ? AND archived = ?',
    ),
    nextIdOf: db.prepare<[string], { next: number }>(
      'SELECT COALESCE(MAX(id), 0) + 1 AS next FROM objects WHERE object_type = ?',
    ),
    insertRow: db.prepare(
      'INSERT INTO objects (object_type, id, created_at, updated_at, archived, archived_at, props, indexed_at) VALUES (?, ?, ?, ?, 0, NULL, ?, ?)',
    ),
    updateRow: db.prepare(
      'UPDATE objects SET props = ?, updated_at = ?, indexed_at = ? WHERE object_type = ? AND id = ?',
    ),
    archiveRow: db.prepare(
      'UPDATE objects SET archived = 1, archived_at = ?, updated_at = ? WHERE object_type = ? AND id = ?',
    ),
    restoreRow: db.prepare(
      'UPDATE objects SET archived = 0, archived_at = NULL, updated_at = ?, indexed_at = ? WHERE object_type = ? AND id = ?',
    ),
    countRows: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM objects'),
  };
}

/**
 * When search sees each write: at once, or `lag()` ms later once the `searchIndexLagMs` fault is set
 * (or a write names its own lag); remembers whether any write lagged.
 */
function createIndexClock() {
  let lag: (() => number) | undefined;
  let lagged = false;
  return {
    /** The wall-clock time from which search sees a write made now. */
    indexedAt(lagMs: number | undefined = lag?.()): number {
      if ((lagMs ?? 0) > 0) lagged = true;
      return Date.now() + (lagMs ?? 0);
    },
    setLag(next: () => number): void {
      lag = next;
    },
    lagged: (): boolean => lagged,
  };
}

/** The oldest row whose unique `property` has `value` (emails compare lower-cased). */
/**
 * `INDEXED BY` the unique property's own index: without it SQLite walks the primary key for
 * `ORDER BY id` (a scan per lookup, 20 ms at 10,000 records, which made a 10k benchmark wait minutes on the sandbox).
 */
function indexFor(property: string): string {
  return OBJECT_TYPES.some((o) => uniqueProperties(o).includes(property)) ? `INDEXED BY objects_by_${property}` : '';
}

function selectByUnique(
  db: Database.Database,
  object: ObjectType,
  property: string,
  value: string,
  archived: boolean,
): Row | undefined {
  const normalized = property === 'email' ? value.toLowerCase() : value;
  return db
    .prepare<[string, string, number], Row>(
      `SELECT * FROM objects ${indexFor(property)} WHERE object_type = ? AND ${columnFor(object, property)} = ? AND archived = ? ORDER BY id LIMIT 1`,
    )
    .get(object, normalized, archived ? 1 : 0);
}

/** Opens (creating if needed) the store in `dataDir/hubspot.sqlite`. */
export function openStore(dataDir: string): HubspotStore {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'hubspot.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  createSchema(db);
  const { getMeta, setMeta, selectOne, nextIdOf, insertRow, updateRow, archiveRow, restoreRow, countRows } =
    prepareStatements(db);

  let clock = Number(getMeta.get('clock')?.value ?? 0);
  const index = createIndexClock();
  const indexedAt = index.indexedAt;

  return {
    db,
    custom: customProperties(db),
    tick() {
      clock = Math.max(clock, Date.now());
      setMeta.run('clock', String(clock));
      return clock;
    },
    get(object, id, archived = false) {
      const row = selectOne.get(object, id, archived ? 1 : 0);
      return row === undefined ? undefined : toRecord(row);
    },
    findByUnique(object, property, value, archived = false) {
      if (property === 'hs_object_id')
        return /^\d+$/.test(value) ? this.get(object, Number(value), archived) : undefined;
      const row = selectByUnique(db, object, property, value, archived);
      return row === undefined ? undefined : toRecord(row);
    },
    insert(object, properties, at, createdAt = at) {
      const id = nextIdOf.get(object)?.next ?? 1;
      insertRow.run(object, id, createdAt, at, JSON.stringify(properties), indexedAt());
      return { object, id, createdAt, updatedAt: at, archived: false, archivedAt: null, properties };
    },
    update(record, properties, at, indexLagMs) {
      const merged = { ...record.properties, ...properties };
      for (const [key, value] of Object.entries(merged)) if (value === '') delete merged[key];
      updateRow.run(JSON.stringify(merged), at, indexedAt(indexLagMs), record.object, record.id);
      return { ...record, updatedAt: at, properties: merged };
    },
    archive(record, at) {
      archiveRow.run(at, at, record.object, record.id);
    },
    restore(record, at) {
      restoreRow.run(at, indexedAt(), record.object, record.id);
    },
    setSearchIndexLag: index.setLag,
    searchLags: index.lagged,
    transaction(fn) {
      return db.transaction(fn)();
    },
    count() {
      return countRows.get()?.n ?? 0;
    },
    close() {
      db.close();
    },
  };
}

export function isSeeded(store: HubspotStore): boolean {
  return store.db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'seeded'").get() !== undefined;
}

export function markSeeded(store: HubspotStore): void {
  store.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', '1')").run();
}
