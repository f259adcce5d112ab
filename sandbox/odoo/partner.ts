/**
 * The rules of `res.partner` and `res.country` that are not plain storage: display names and
 * constraints, worded as Odoo words them.
 */
import { validationError } from './errors.js';
import type { ModelRules } from './model.js';
import type { Db } from './store.js';

function placeholders(ids: readonly number[]): string {
  return ids.map(() => '?').join(',');
}

// Odoo's _as_validation_error wording for an IntegrityError (odoo/service/model.py).
const FOREIGN_KEY = (model: string, field: string): string =>
  'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
  `Model: Contact (res.partner)\nConstraint: res_partner_${field}_fkey\n(${model} does not exist)`;

/** res.partner: "Company, Person" display names, the `check_name` constraint, no recursive parents. */
export const partnerRules: ModelRules = {
  displayNames(db: Db, ids: readonly number[]): Map<number, string> {
    if (ids.length === 0) return new Map();
    const rows = db
      .prepare(
        `SELECT p.id, p.name, p.is_company, p.company_name, parent.name AS parent_name
         FROM res_partner p LEFT JOIN res_partner parent ON parent.id = p.parent_id
         WHERE p.id IN (${placeholders(ids)})`,
      )
      .all(...ids) as Array<{
      id: number;
      name: string;
      is_company: number;
      company_name: string | null;
      parent_name: string | null;
    }>;
    // res.partner._compute_display_name: a person shows as "<commercial company>, <name>".
    return new Map(
      rows.map((row) => {
        const company = row.parent_name ?? row.company_name;
        return [
          row.id,
          row.is_company === 0 && company !== null && company !== '' ? `${company}, ${row.name}` : row.name,
        ];
      }),
    );
  },

  validate(db: Db, id: number | null, values: Readonly<Record<string, unknown>>): void {
    if (id === null || 'name' in values) {
      const name = values['name'];
      // The check_name SQL constraint of res.partner, through _as_validation_error.
      if (typeof name !== 'string' || name.trim() === '')
        throw validationError('The operation cannot be completed: Contacts require a name');
    }
    const country = values['country_id'];
    if (
      typeof country === 'number' &&
      db.prepare('SELECT 1 FROM res_country WHERE id = ?').get(country) === undefined
    ) {
      throw validationError(FOREIGN_KEY('res.country', 'country_id'));
    }
    const parent = values['parent_id'];
    if (typeof parent !== 'number') return;
    if (db.prepare('SELECT 1 FROM res_partner WHERE id = ?').get(parent) === undefined)
      throw validationError(FOREIGN_KEY('res.partner', 'parent_id'));
    if (id === null) return;
    const ancestor = db.prepare('SELECT parent_id FROM res_partner WHERE id = ?');
    const seen = new Set<number>();
    for (let at: number | null = parent; at !== null && !seen.has(at);) {
      if (at === id) throw validationError('You cannot create recursive Partner hierarchies.');
      seen.add(at);
      at = (ancestor.get(at) as { parent_id: number | null } | undefined)?.parent_id ?? null;
    }
  },
};

/** res.country: the display name is the name; the table is read-only. */
export const countryRules: ModelRules = {
  displayNames(db: Db, ids: readonly number[]): Map<number, string> {
    if (ids.length === 0) return new Map();
    const rows = db
      .prepare(`SELECT id, name FROM res_country WHERE id IN (${placeholders(ids)})`)
      .all(...ids) as Array<{ id: number; name: string }>;
    return new Map(rows.map((row) => [row.id, row.name]));
  },
  validate() {},
};
