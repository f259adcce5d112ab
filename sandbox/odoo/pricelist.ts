/**
 * `product.pricelist` and the one `res.company` of the sandbox, as Odoo 17.0 defines them
 * (addons/product/models/product_pricelist.py, odoo/addons/base/models/res_company.py), reduced to
 * what decides an order's currency: a pricelist has a `currency_id`, and a `sale.order` takes its
 * currency from its pricelist (addons/sale/models/sale_order.py, 17.0: `currency_id` is computed by
 * `_compute_currency_id` = `pricelist_id.currency_id or company_id.currency_id`, stored,
 * precompute; it was `related='pricelist_id.currency_id'` up to 16.0). Checked against the 17.0
 * sources as forked in GG-Hung/Ticket and DSub23243/odoo_17_ghn (addons/sale, addons/product).
 * Pricelist rules (`item_ids`), country groups and the partner's `property_product_pricelist` are
 * not modelled: every partner gets the company's first pricelist, which is what Odoo's
 * `_get_partner_pricelist_multi` answers for a partner with no pricelist of its own and no
 * country-group pricelist.
 */
import { validationError } from './errors.js';
import { fieldMap, stored, type ModelDef } from './fields.js';
import type { ModelRules } from './model.js';
import { LOG_ACCESS } from './sales-fields.js';
import { placeholders, requireRow } from './sales-context.js';
import { COMPANY_ID, companyCurrencyId } from './sales-store.js';
import type { Db } from './store.js';

/** The sandbox's one company (id 1); its name is the sandbox's choice. */
export const COMPANY: ModelDef = {
  name: 'res.company',
  description: 'Companies',
  table: 'res_company',
  defaultOrder: 'sequence asc, name asc, id asc',
  hasActive: false,
  writable: false,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Company Name', { required: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('sequence', 'integer', 'Sequence'),
    stored('currency_id', 'many2one', 'Currency', { relation: 'res.currency', required: true }),
  ]),
};

export const PRICELIST: ModelDef = {
  name: 'product.pricelist',
  description: 'Pricelist',
  table: 'product_pricelist',
  defaultOrder: 'sequence asc, id asc',
  hasActive: true,
  writable: true,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Pricelist Name', { required: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('active', 'boolean', 'Active', {
      help: 'If unchecked, it will allow you to hide the pricelist without removing it.',
    }),
    stored('sequence', 'integer', 'Sequence'),
    stored('currency_id', 'many2one', 'Currency', { relation: 'res.currency', required: true }),
    stored('company_id', 'many2one', 'Company', { relation: 'res.company' }),
    ...LOG_ACCESS,
  ]),
};

/**
 * The pricelist a new order (or a draft whose customer changes) gets: the first active pricelist
 * of the company, or shared by all companies, by `sequence, id` (`_get_partner_pricelist_multi`'s
 * fallback, `Pricelist.search(pl_domain, limit=1)` under `_order = "sequence asc, id asc"`); null
 * when there is none (Odoo 17 allows an order without a pricelist).
 */
export function defaultPricelistId(db: Db): number | null {
  const row = db
    .prepare(
      'SELECT id FROM product_pricelist WHERE active = 1 AND (company_id IS NULL OR company_id = ?) ORDER BY sequence, id LIMIT 1',
    )
    .get(COMPANY_ID) as { id: number } | undefined;
  return row?.id ?? null;
}

/** `_compute_currency_id`: the pricelist's currency, else the company's. */
export function orderCurrencyId(db: Db, pricelistId: unknown): number {
  const row =
    typeof pricelistId === 'number'
      ? (db.prepare('SELECT currency_id AS id FROM product_pricelist WHERE id = ?').get(pricelistId) as
          { id: number } | undefined)
      : undefined;
  return row?.id ?? companyCurrencyId(db);
}

const named = (db: Db, table: string, ids: readonly number[]): Array<{ id: number; name: string }> =>
  ids.length === 0
    ? []
    : (db.prepare(`SELECT id, name FROM ${table} WHERE id IN (${placeholders(ids)})`).all(...ids) as Array<{
        id: number;
        name: string;
      }>);

export const companyRules: ModelRules = {
  displayNames: (db, ids) => new Map(named(db, 'res_company', ids).map((c) => [c.id, c.name])),
  validate() {},
};

/** product.pricelist: "Name (CUR)" display names (`_compute_display_name`); name and currency required. */
export const pricelistRules: ModelRules = {
  displayNames(db, ids) {
    if (ids.length === 0) return new Map();
    const rows = db
      .prepare(
        `SELECT p.id, p.name, c.name AS currency FROM product_pricelist p JOIN res_currency c ON c.id = p.currency_id WHERE p.id IN (${placeholders(ids)})`,
      )
      .all(...ids) as Array<{ id: number; name: string; currency: string }>;
    return new Map(rows.map((p) => [p.id, `${p.name} (${p.currency})`]));
  },
  defaults(db, values) {
    // _default_currency_id and the company default (self.env.company); sequence defaults to 16.
    values['currency_id'] ??= companyCurrencyId(db);
    if (!('company_id' in values)) values['company_id'] = COMPANY_ID;
    values['sequence'] ??= 16;
  },
  validate(db, id, values) {
    for (const [name, label] of [
      ['name', 'Pricelist Name'],
      ['currency_id', 'Currency'],
    ] as const) {
      if (
        (id === null || name in values) &&
        (values[name] === null || values[name] === undefined || values[name] === '')
      )
        throw validationError(
          `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Pricelist (product.pricelist)\nField: ${label} (${name})\n`,
        );
    }
    requireRow(db, PRICELIST, values, 'currency_id', 'res_currency');
  },
};
