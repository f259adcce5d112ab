/** What the quote-to-cash models share: the store, the write clock and the other models. */
import { foreignKeyError, requiredError } from './errors.js';
import type { ModelDef } from './fields.js';
import type { Env, SqlModel } from './model.js';
import type { Clock, Db } from './store.js';

export interface SalesContext {
  readonly db: Db;
  readonly clock: Clock;
  /** Another served model, by name. */
  model(name: string): SqlModel;
}

/** The env of the writes one model makes through another (the API user, the admin, uid 2). */
export const INTERNAL_ENV: Env = Object.freeze({ uid: 2, context: Object.freeze({}) });

export const placeholders = (ids: readonly number[]): string => ids.map(() => '?').join(',');

/** Rows of `table` by id, in the order of `ids`, skipping missing ones. */
export function rowsOf<T extends { id: number }>(db: Db, table: string, ids: readonly number[]): T[] {
  if (ids.length === 0) return [];
  const rows = db.prepare(`SELECT * FROM ${table} WHERE id IN (${placeholders(ids)})`).all(...ids) as T[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The write clock's now as a datetime to the second ('YYYY-MM-DD HH:MM:SS'), e.g. `date_order`. */
export const nowSeconds = (clock: Clock): string => clock.now().slice(0, 19);

/** Today (UTC) as a date ('YYYY-MM-DD'): `fields.Date.context_today` for a user in UTC. */
export const today = (clock: Clock): string => clock.now().slice(0, 10);

/** Checks a required field on create (or when a write clears it), worded as Odoo's NOT NULL violation. */
export function requireColumn(
  def: ModelDef,
  values: Readonly<Record<string, unknown>>,
  name: string,
  creating: boolean,
): void {
  if (!creating && !(name in values)) return;
  const value = values[name];
  if (value === null || value === undefined || value === '') {
    throw requiredError(def.name, def.description, name, def.fields.get(name)?.string ?? name);
  }
}

/** Checks that a many2one points at an existing row, worded as Odoo's FOREIGN KEY violation. */
export function requireRow(
  db: Db,
  def: ModelDef,
  values: Readonly<Record<string, unknown>>,
  name: string,
  table: string,
): void {
  const id = values[name];
  if (typeof id !== 'number') return;
  if (db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) === undefined)
    throw foreignKeyError(def.name, def.description, `${def.table}_${name}_fkey`);
}
