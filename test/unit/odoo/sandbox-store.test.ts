import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_EPOCH, seedWorld } from '../../../sandbox/seed.js';
import { compileDomain } from '../../../sandbox/odoo/domain.js';
import { PARTNER } from '../../../sandbox/odoo/fields.js';
import { createClock, odooDatetime, openStore, type Db } from '../../../sandbox/odoo/store.js';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

function open(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-odoo-store-'));
  dirs.push(dir);
  const db = openStore(path.join(dir, 'nested'), seedWorld({ contacts: 60, companies: 10 }));
  dbs.push(db);
  return db;
}

describe('odoo sandbox store', () => {
  it('seeds companies and people once, with parents and second-precision write dates', () => {
    const world = seedWorld({ contacts: 60, companies: 10 });
    const db = open();
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    expect(count('SELECT COUNT(*) AS n FROM res_partner WHERE is_company = 1')).toBe(world.erpCompanies.length);
    expect(count('SELECT COUNT(*) AS n FROM res_partner WHERE is_company = 0')).toBe(world.erpPeople.length);
    expect(
      count(
        "SELECT COUNT(*) AS n FROM res_partner WHERE write_date NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'",
      ),
    ).toBe(0);
    expect(
      count(
        `SELECT COUNT(*) AS n FROM res_partner WHERE is_company = 1 AND write_date = '${odooDatetime(SEED_EPOCH)}'`,
      ),
    ).toBe(world.erpCompanies.length);
    const withParent = world.erpPeople.filter(
      (p) => p.company !== null && world.erpCompanies.includes(p.company),
    ).length;
    expect(count('SELECT COUNT(*) AS n FROM res_partner WHERE parent_id IS NOT NULL')).toBe(withParent);
    expect(count("SELECT COUNT(*) AS n FROM res_country WHERE code = 'DE'")).toBe(1);
  });

  it('never moves the write clock backwards, even when the wall clock does', () => {
    const db = open();
    let wall = Date.UTC(2030, 0, 1, 12, 0, 0, 900);
    const clock = createClock(db, () => wall);
    expect(clock.now()).toBe('2030-01-01 12:00:00.900000');
    wall -= 60_000;
    expect(clock.now()).toBe('2030-01-01 12:00:00.900000');
    wall += 120_000;
    expect(clock.now()).toBe('2030-01-01 12:01:00.900000');
  });

  it('stamps a transaction with the time it started, and a clock that is off with its offset', () => {
    const db = open();
    let wall = Date.UTC(2030, 0, 1, 12, 0, 0, 250);
    const clock = createClock(db, () => wall);
    const started = clock.now();
    wall += 5_000;
    expect(clock.during(started, () => [clock.now(), clock.now()])).toEqual([
      '2030-01-01 12:00:00.250000',
      '2030-01-01 12:00:00.250000',
    ]);
    expect(clock.now()).toBe('2030-01-01 12:00:05.250000');
    expect(clock.stampAt(2 * 3600_000)).toBe('2030-01-01 14:00:05.250000');
  });

  it('starts the clock after the newest stored write_date', () => {
    const db = open();
    const clock = createClock(db, () => Date.UTC(2000, 0, 1));
    const newest = (db.prepare('SELECT MAX(write_date) AS last FROM res_partner').get() as { last: string }).last;
    expect(clock.now()).toBe(newest);
  });

  it('compiles prefix domains with an implicit AND and parameters in order', () => {
    const compiled = compileDomain(PARTNER, [
      '|',
      ['city', '=', 'Paris'],
      ['city', '=', 'Lyon'],
      ['is_company', '=', true],
    ]);
    expect(compiled.sql).toBe('("city" = ? OR "city" = ?) AND "is_company" = ?');
    expect(compiled.params).toEqual(['Paris', 'Lyon', 1]);
    expect(compiled.mentionsActive).toBe(false);
    expect(compileDomain(PARTNER, [['active', 'in', [true, false]]]).mentionsActive).toBe(true);
  });
});
