/** Every model definition the sandbox serves, by name: domains follow dotted paths through them. */
import { COUNTRY, PARTNER, type ModelDef } from './fields.js';
import { ACCOUNT_MOVE, ACCOUNT_MOVE_LINE, ACCOUNT_PAYMENT } from './account-fields.js';
import { COMPANY, PRICELIST } from './pricelist.js';
import { CURRENCY, PRODUCT, SALE_ORDER, SALE_ORDER_LINE } from './sales-fields.js';

export const MODELS: ReadonlyMap<string, ModelDef> = new Map(
  [
    PARTNER,
    COUNTRY,
    CURRENCY,
    COMPANY,
    PRICELIST,
    PRODUCT,
    SALE_ORDER,
    SALE_ORDER_LINE,
    ACCOUNT_MOVE,
    ACCOUNT_MOVE_LINE,
    ACCOUNT_PAYMENT,
  ].map((model) => [model.name, model]),
);
