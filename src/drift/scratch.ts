/**
 * The drift scan's spill space: a throwaway SQLite file (not the state store) that holds one row
 * per record of both sides, their match keys, the sync's links and the report rows, so a scan of
 * any size keeps only one page in memory. better-sqlite3 is used directly here, synchronously and
 * without a journal: the file is rebuilt from the vendors on every scan and deleted after it.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Side } from '../mapping/resolver.js';

export interface ScratchRecord {
  readonly side: Side;
  readonly id: string;
  readonly alive: boolean;
  /** `ok`, or why the mapping refuses the record: FILTERED, MAPPING_FAILED, WAITING_REFERENCE. */
  readonly status: string;
  readonly reason: string | null;
  readonly modifiedAt: string;
  /** JSON of the canonical values (ok records). */
  readonly canonical: string | null;
  readonly label: string | null;
  /** An ERP record the mapping's `locked` matches (a confirmed order): writes toward it are conflicts. */
  readonly locked: boolean;
}

/** A match key value of a record: `k` >= 0 is the mapping's k-th match key; -1, -2 the references. */
export interface ScratchKey {
  readonly side: Side;
  readonly k: number;
  readonly value: string;
  readonly id: string;
}

export interface RecordRow {
  id: string;
  alive: number;
  status: string;
  reason: string | null;
  modified_at: string;
  canonical: string | null;
  label: string | null;
  linked: number;
}

export interface PairRow {
  crm_id: string;
  erp_id: string;
  base: string;
  /** When Tandem last wrote the link (its own clock). */
  updated_at: string;
  c_alive: number | null;
  c_status: string | null;
  c_reason: string | null;
  c_modified: string | null;
  c_canonical: string | null;
  c_label: string | null;
  e_alive: number | null;
  e_status: string | null;
  e_reason: string | null;
  e_modified: string | null;
  e_canonical: string | null;
  e_label: string | null;
  e_locked: number | null;
}

export class Scratch {
  private readonly db: Database.Database;
  private readonly insertRecord: Database.Statement;
  private readonly insertKey: Database.Statement;
  private readonly insertLink: Database.Statement;
  private readonly insertRow: Database.Statement;
  private readonly keysOf: Database.Statement;
  private readonly candidates: Database.Statement;
  private readonly dropKeys: Database.Statement;
  private readonly anyKey: Database.Statement;
  private readonly claimRecord: Database.Statement;
  private readonly selectRecord: Database.Statement;

  private constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    // A small page cache: the point of spilling is that memory stays flat.
    this.db.pragma('cache_size = -16000');
    this.db.exec(`
      CREATE TABLE rec (side TEXT NOT NULL, id TEXT NOT NULL, alive INTEGER NOT NULL, status TEXT NOT NULL,
        reason TEXT, modified_at TEXT NOT NULL, canonical TEXT, label TEXT, linked INTEGER NOT NULL DEFAULT 0,
        locked INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (side, id)) WITHOUT ROWID;
      CREATE TABLE mkey (side TEXT NOT NULL, k INTEGER NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL);
      CREATE INDEX mkey_record ON mkey (side, id);
      CREATE TABLE link (crm_id TEXT PRIMARY KEY, erp_id TEXT NOT NULL, base TEXT NOT NULL, updated_at TEXT NOT NULL)
        WITHOUT ROWID;
      CREATE TABLE row (seq INTEGER PRIMARY KEY, category INTEGER NOT NULL, json TEXT NOT NULL);
    `);
    // Later pages of the same side may re-read a record (it changed during the scan): the last wins.
    this.insertRecord = this.db.prepare(
      `INSERT OR REPLACE INTO rec (side, id, alive, status, reason, modified_at, canonical, label, locked)
       VALUES (@side, @id, @alive, @status, @reason, @modifiedAt, @canonical, @label, @locked)`,
    );
    this.dropKeys = this.db.prepare('DELETE FROM mkey WHERE side = ? AND id = ?');
    this.claimRecord = this.db.prepare('UPDATE rec SET linked = 2 WHERE side = ? AND id = ?');
    this.selectRecord = this.db.prepare(
      'SELECT id, alive, status, reason, modified_at, canonical, label, linked FROM rec WHERE side = ? AND id = ?',
    );
    this.anyKey = this.db.prepare(
      `SELECT 1 FROM mkey m JOIN rec r ON r.side = m.side AND r.id = m.id
       WHERE m.side = ? AND m.k = ? AND m.value = ? AND r.alive = 1 AND r.status = 'ok' LIMIT 1`,
    );
    this.insertKey = this.db.prepare('INSERT INTO mkey (side, k, value, id) VALUES (@side, @k, @value, @id)');
    this.insertLink = this.db.prepare(
      'INSERT OR REPLACE INTO link (crm_id, erp_id, base, updated_at) VALUES (?, ?, ?, ?)',
    );
    this.insertRow = this.db.prepare('INSERT INTO row (category, json) VALUES (?, ?)');
    this.keysOf = this.db.prepare('SELECT k, value FROM mkey WHERE side = ? AND id = ? ORDER BY k');
    this.candidates = this.db.prepare(
      `SELECT DISTINCT m.id FROM mkey m JOIN rec r ON r.side = m.side AND r.id = m.id
       WHERE m.side = ? AND m.k = ? AND m.value = ? AND r.linked = 0 AND r.alive = 1 AND r.status = 'ok' LIMIT 3`,
    );
  }

  static open(dir: string, name: string): Scratch {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${name}-${process.pid}-${Date.now()}.sqlite`);
    // It holds both systems' records (personal data): readable by this user only, like the state file.
    fs.writeFileSync(file, '', { mode: 0o600 });
    return new Scratch(file);
  }

  addRecords(records: readonly ScratchRecord[], keys: readonly ScratchKey[]): void {
    this.db.transaction(() => {
      for (const r of records) {
        this.dropKeys.run(r.side, r.id);
        this.insertRecord.run({ ...r, alive: r.alive ? 1 : 0, locked: r.locked ? 1 : 0 });
      }
      for (const k of keys) this.insertKey.run(k);
    })();
  }

  addLinks(links: readonly { crm_id: string; erp_id: string; base: string; updated_at: string }[]): void {
    this.db.transaction(() => {
      for (const l of links) this.insertLink.run(l.crm_id, l.erp_id, l.base, l.updated_at);
    })();
  }

  /** Marks every record some link names; call once, after all records and links are in. */
  markLinked(): void {
    this.db.exec(`
      CREATE INDEX mkey_lookup ON mkey (k, value, side);
      CREATE INDEX link_erp ON link (erp_id);
      UPDATE rec SET linked = 1 WHERE side = 'crm' AND id IN (SELECT crm_id FROM link);
      UPDATE rec SET linked = 1 WHERE side = 'erp' AND id IN (SELECT erp_id FROM link);
    `);
  }

  count(side: Side): number {
    const row = this.db.prepare('SELECT count(*) AS n FROM rec WHERE side = ? AND alive = 1').get(side) as {
      n: number;
    };
    return row.n;
  }

  /**
   * Links after CRM id `after`, `limit` at a time, with both their records (either may be missing:
   * a hard delete). Pages, not an open iterator: rows are written between pages.
   */
  pairs(after: string, limit: number): PairRow[] {
    return this.db
      .prepare(
        `SELECT l.crm_id, l.erp_id, l.base, l.updated_at,
           c.alive AS c_alive, c.status AS c_status, c.reason AS c_reason, c.modified_at AS c_modified,
           c.canonical AS c_canonical, c.label AS c_label,
           e.alive AS e_alive, e.status AS e_status, e.reason AS e_reason, e.modified_at AS e_modified,
           e.canonical AS e_canonical, e.label AS e_label, e.locked AS e_locked
         FROM link l
         LEFT JOIN rec c ON c.side = 'crm' AND c.id = l.crm_id
         LEFT JOIN rec e ON e.side = 'erp' AND e.id = l.erp_id
         WHERE l.crm_id > ? ORDER BY l.crm_id LIMIT ?`,
      )
      .all(after, limit) as PairRow[];
  }

  /** Live, mappable records of `side` that no link names, after id `after`, `limit` at a time. */
  unlinked(side: Side, after: string, limit: number): RecordRow[] {
    return this.db
      .prepare(
        `SELECT id, alive, status, reason, modified_at, canonical, label, linked FROM rec
         WHERE side = ? AND linked = 0 AND alive = 1 AND status = 'ok' AND id > ? ORDER BY id LIMIT ?`,
      )
      .all(side, after, limit) as RecordRow[];
  }

  /** Live records of `side` that no link names and that wait for a reference (WAITING_REFERENCE), paged like `unlinked`. */
  waiting(side: Side, after: string, limit: number): RecordRow[] {
    return this.db
      .prepare(
        `SELECT id, alive, status, reason, modified_at, canonical, label, linked FROM rec
         WHERE side = ? AND linked = 0 AND alive = 1 AND status = 'WAITING_REFERENCE' AND id > ? ORDER BY id LIMIT ?`,
      )
      .all(side, after, limit) as RecordRow[];
  }

  keys(side: Side, id: string): { k: number; value: string }[] {
    return this.keysOf.all(side, id) as { k: number; value: string }[];
  }

  /** Whether a live mappable record of `side`, linked or not, has key `k` = `value`. */
  anyWith(side: Side, k: number, value: string): boolean {
    return this.anyKey.get(side, k, value) !== undefined;
  }

  /** Unlinked live mappable records of `side` with key `k` = `value` (at most 3: enough to tell one from many). */
  unlinkedWith(side: Side, k: number, value: string): string[] {
    return (this.candidates.all(side, k, value) as { id: string }[]).map((r) => r.id);
  }

  /** Values of match key `k` (>= 0) that several live records of one side share (reported, so few). */
  duplicates(): { side: Side; k: number; value: string; ids: string; n: number }[] {
    return this.db
      .prepare(
        `SELECT m.side, m.k, m.value, group_concat(m.id, ', ') AS ids, count(*) AS n
         FROM mkey m JOIN rec r ON r.side = m.side AND r.id = m.id
         WHERE m.k >= 0 AND r.alive = 1 AND r.status = 'ok'
         GROUP BY m.side, m.k, m.value HAVING count(*) > 1 ORDER BY m.side, m.k, m.value`,
      )
      .all() as { side: Side; k: number; value: string; ids: string; n: number }[];
  }

  /** Takes a record out of the unlinked ones (it was paired by the scan). */
  claim(side: Side, id: string): void {
    this.claimRecord.run(side, id);
  }

  record(side: Side, id: string): RecordRow | undefined {
    return this.selectRecord.get(side, id) as RecordRow | undefined;
  }

  addRow(category: number, json: string): void {
    this.insertRow.run(category, json);
  }

  /** Report rows, in category order, then in the order they were found. */
  rows(): IterableIterator<{ json: string }> {
    return this.db.prepare('SELECT json FROM row ORDER BY category, seq').iterate() as IterableIterator<{
      json: string;
    }>;
  }

  close(): void {
    this.db.close();
    fs.rmSync(this.file, { force: true });
  }
}
