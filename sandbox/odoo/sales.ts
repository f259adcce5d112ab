/**
 * Installs the quote-to-cash models in the Odoo sandbox: `res.currency`, `res.company`,
 * `product.pricelist`, `product.product`,
 * `sale.order`, `sale.order.line`, `account.move`, `account.move.line`, `account.payment`, and the
 * wizards `sale.advance.payment.inv` and `account.payment.register`.
 */
import { SEED_EPOCH } from '../seed.js';
import { validationError } from './errors.js';
import { accountMoveLineRules, accountMoveRules, accountPaymentRules } from './invoice.js';
import type { CustomModel } from './merge-wizard.js';
import { SqlModel, type ModelRules } from './model.js';
import { saleOrderLineRules } from './sale-order-line.js';
import { saleOrderRules } from './sale-order.js';
import { COMPANY, companyRules, PRICELIST, pricelistRules } from './pricelist.js';
import { rowsOf, type SalesContext } from './sales-context.js';
import { ACCOUNT_MOVE, ACCOUNT_MOVE_LINE, ACCOUNT_PAYMENT } from './account-fields.js';
import { CURRENCY, PRODUCT, SALE_ORDER, SALE_ORDER_LINE } from './sales-fields.js';
import { installSalesSchema } from './sales-store.js';
import { invoiceWizard, INVOICE_WIZARD, paymentWizard, PAYMENT_WIZARD } from './sales-wizards.js';
import { odooDatetime, type Clock, type Db } from './store.js';

/** res.currency: the ISO code is the display name; `decimal_places` follows the rounding (`_compute_decimal_places`). */
const currencyRules: ModelRules = {
  displayNames: (db, ids) =>
    new Map(rowsOf<{ id: number; name: string }>(db, 'res_currency', ids).map((c) => [c.id, c.name])),
  validate(_db, id, values) {
    if ((id === null || 'name' in values) && (typeof values['name'] !== 'string' || values['name'] === ''))
      throw validationError('The operation cannot be completed: Missing required value for Currency');
    const rounding = values['rounding'];
    // The rounding_gt_zero SQL constraint.
    if (typeof rounding === 'number' && rounding <= 0)
      throw validationError('The operation cannot be completed: The rounding factor must be greater than 0!');
  },
  computed: (db, ids) =>
    new Map(
      rowsOf<{ id: number; rounding: number }>(db, 'res_currency', ids).map((c) => [
        c.id,
        { decimal_places: c.rounding > 0 && c.rounding < 1 ? Math.ceil(Math.log10(1 / c.rounding) - 1e-9) : 0 },
      ]),
    ),
};

/** product.product: "[SKU] Name" display names (`_compute_display_name` with `display_default_code`). */
const productRules: ModelRules = {
  displayNames: (db, ids) =>
    new Map(
      rowsOf<{ id: number; name: string; default_code: string | null }>(db, 'product_product', ids).map((p) => [
        p.id,
        p.default_code === null || p.default_code === '' ? p.name : `[${p.default_code}] ${p.name}`,
      ]),
    ),
  validate(_db, id, values) {
    if ((id === null || 'name' in values) && (typeof values['name'] !== 'string' || values['name'].trim() === ''))
      throw validationError(
        'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Product Variant (product.product)\nField: Name (name)\n',
      );
  },
};

export interface SalesModels {
  readonly context: SalesContext;
  readonly models: ReadonlyArray<readonly [string, SqlModel]>;
  readonly custom: ReadonlyArray<readonly [string, CustomModel]>;
}

/** Creates the tables and the models; `lookup` finds any served model once they are registered. */
export function installSales(db: Db, clock: Clock, lookup: (name: string) => SqlModel | undefined): SalesModels {
  installSalesSchema(db, odooDatetime(SEED_EPOCH));
  const context: SalesContext = {
    db,
    clock,
    model(name) {
      const model = lookup(name);
      if (model === undefined) throw new Error(`the sandbox serves no model ${name}`);
      return model;
    },
  };
  const model = (def: typeof SALE_ORDER, rules: ModelRules): readonly [string, SqlModel] => [
    def.name,
    new SqlModel(def, db, clock, rules, lookup),
  ];
  return {
    context,
    models: [
      model(CURRENCY, currencyRules),
      model(COMPANY, companyRules),
      model(PRICELIST, pricelistRules),
      model(PRODUCT, productRules),
      model(SALE_ORDER, saleOrderRules(context)),
      model(SALE_ORDER_LINE, saleOrderLineRules(context)),
      model(ACCOUNT_MOVE, accountMoveRules(context)),
      model(ACCOUNT_MOVE_LINE, accountMoveLineRules(context)),
      model(ACCOUNT_PAYMENT, accountPaymentRules),
    ],
    custom: [
      [INVOICE_WIZARD, invoiceWizard(context)],
      [PAYMENT_WIZARD, paymentWizard(context)],
    ],
  };
}
