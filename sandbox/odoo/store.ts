/**
 * The Odoo sandbox's SQLite store (`odoo.sqlite`, WAL): the `res_partner` and `res_country`
 * tables (and the quote-to-cash ones, sales-store.ts), the first-start seed from the shared world,
 * and the write clock, which starts after the newest stored `write_date`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SeedPerson, SeedWorld } from '../seed.js';
import { SEED_EPOCH } from '../seed.js';
import { COUNTRIES } from './countries.js';
import { installSalesSchema } from './sales-store.js';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS res_country (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS res_partner (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  email TEXT, phone TEXT, mobile TEXT,
  street TEXT, street2 TEXT, city TEXT, zip TEXT,
  country_id INTEGER REFERENCES res_country(id),
  vat TEXT, ref TEXT, function TEXT,
  is_company INTEGER NOT NULL DEFAULT 0,
  parent_id INTEGER REFERENCES res_partner(id),
  company_name TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  comment TEXT,
  create_date TEXT NOT NULL,
  write_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS res_partner_write_date_id ON res_partner (write_date, id);
CREATE INDEX IF NOT EXISTS res_partner_email ON res_partner (email);
CREATE INDEX IF NOT EXISTS res_partner_email_lower ON res_partner (odoo_lower(email));
CREATE INDEX IF NOT EXISTS res_partner_name_lower ON res_partner (odoo_lower(name));
CREATE INDEX IF NOT EXISTS res_partner_ref ON res_partner (ref);
CREATE INDEX IF NOT EXISTS res_partner_vat ON res_partner (vat);
CREATE INDEX IF NOT EXISTS res_partner_parent ON res_partner (parent_id);
`;

/** 'YYYY-MM-DD HH:MM:SS', UTC: Odoo's DEFAULT_SERVER_DATETIME_FORMAT. */
export function odooDatetime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A stored stamp with microseconds, 'YYYY-MM-DD HH:MM:SS.ffffff', as PostgreSQL keeps Odoo's
 * `timestamp` columns; the API shows it to the second (values.ts `toWire`).
 */
export function odooStamp(epochMs: number): string {
  const micros = String((((epochMs % 1000) + 1000) % 1000) * 1000).padStart(6, '0');
  return `${odooDatetime(epochMs)}.${micros}`;
}

/** The write clock: UTC with microseconds, never going backwards (not even across restarts). */
export interface Clock {
  /** The stamp of a write now; inside {@link Clock.during}, the stamp of that transaction. */
  now(): string;
  /** The stamp `offsetMs` from the wall clock: a server whose clock is off by that much. */
  stampAt(offsetMs: number): string;
  /** Runs `fn` as a transaction that started at `stamp`: every `now()` inside answers it. */
  during<T>(stamp: string, fn: () => T): T;
}

export function createClock(db: Db, wallClock: () => number = Date.now): Clock {
  const row = db
    .prepare(
      `SELECT MAX(last) AS last FROM (SELECT MAX(write_date) AS last FROM res_partner
       UNION ALL SELECT MAX(write_date) FROM sale_order UNION ALL SELECT MAX(write_date) FROM account_move)`,
    )
    .get() as { last: string | null };
  let last = row.last ?? '';
  let pinned: string | undefined;
  return {
    now() {
      if (pinned !== undefined) return pinned;
      const current = odooStamp(wallClock());
      if (current > last) last = current;
      return last;
    },
    stampAt: (offsetMs) => odooStamp(wallClock() + offsetMs),
    during(stamp, fn) {
      pinned = stamp;
      try {
        return fn();
      } finally {
        pinned = undefined;
      }
    },
  };
}

/** Opens (creating if needed) `odoo.sqlite` under `dataDir` and seeds it when it is new. */
export function openStore(dataDir: string, world: SeedWorld): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'odoo.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Odoo's `like` is case-sensitive (PostgreSQL LIKE); `ilike` goes through odoo_lower().
  db.pragma('case_sensitive_like = ON');
  db.function('odoo_lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  db.exec(SCHEMA);
  installSalesSchema(db, odooDatetime(SEED_EPOCH));
  const countries = db.prepare('SELECT COUNT(*) AS n FROM res_country').get() as { n: number };
  if (countries.n === 0) {
    const insert = db.prepare('INSERT INTO res_country (id, name, code) VALUES (?, ?, ?)');
    db.transaction(() => COUNTRIES.forEach(([code, name], i) => insert.run(i + 1, name, code)))();
  }
  const partners = db.prepare('SELECT COUNT(*) AS n FROM res_partner').get() as { n: number };
  if (partners.n === 0) seed(db, world);
  return db;
}

function seed(db: Db, world: SeedWorld): void {
  const countryIds = new Map(
    (db.prepare('SELECT id, code FROM res_country').all() as Array<{ id: number; code: string }>).map((c) => [
      c.code,
      c.id,
    ]),
  );
  const insert = db.prepare(`INSERT INTO res_partner
    (name, email, phone, street, city, zip, country_id, vat, function, is_company, parent_id, company_name, active, create_date, write_date)
    VALUES (@name, @email, @phone, @street, @city, @zip, @country_id, @vat, @function, @is_company, @parent_id, @company_name, @active, @date, @date)`);
  const companyPartner = new Map<number, number>();
  db.transaction(() => {
    // The companies arrive in one import: one shared write_date, which exercises id tie-breakers.
    const importDate = odooDatetime(SEED_EPOCH);
    for (const index of world.erpCompanies) {
      const company = world.companies[index];
      if (company === undefined) continue;
      const result = insert.run({
        name: company.name,
        email: null,
        phone: company.phone,
        street: company.street,
        city: company.city,
        zip: company.zip,
        country_id: countryIds.get(company.countryCode) ?? null,
        vat: company.vat,
        function: null,
        is_company: 1,
        parent_id: null,
        company_name: null,
        active: 1,
        date: importDate,
      });
      companyPartner.set(index, Number(result.lastInsertRowid));
    }
    world.erpPeople.forEach((person: SeedPerson, i) => {
      const parent = person.company === null ? undefined : companyPartner.get(person.company);
      const companyName =
        person.company !== null && parent === undefined ? (world.companies[person.company]?.name ?? null) : null;
      insert.run({
        name: `${person.firstname} ${person.lastname}`,
        email: person.email,
        phone: person.phone,
        street: person.street,
        city: person.city,
        zip: person.zip,
        country_id: countryIds.get(person.countryCode) ?? null,
        vat: null,
        function: person.jobtitle,
        is_company: 0,
        parent_id: parent ?? null,
        company_name: companyName,
        // One person in fifty is archived, as contacts who left are in a real ERP.
        active: i % 50 === 49 ? 0 : 1,
        date: odooDatetime(person.modifiedAt),
      });
    });
  })();
}
