/**
 * The property definitions of deals, products and line items: HubSpot's default properties the
 * quote-to-cash flow reads and writes, plus `tandem_ref`. Money (`amount`, `price`, `discount`,
 * `hs_cost_of_goods_sold`) is a number property, a string on the wire. A line item's `amount`,
 * `hs_pre_discount_amount` and `hs_total_discount` are calculated by HubSpot (read-only; see
 * line-items.ts), as are the ids and timestamps.
 * https://knowledge.hubspot.com/properties/hubspots-default-deal-properties
 * https://knowledge.hubspot.com/properties/hubspots-default-line-item-properties
 */
import { DEAL_PIPELINES, DEAL_STAGE_IDS } from './pipelines.js';
import {
  type PropertyDefinition,
  TANDEM_REF,
  datetime,
  enumeration,
  mergedIds,
  number,
  system,
  text,
} from './property-builders.js';

/** The currencies the sandbox account has turned on (HubSpot's multi-currency setting); EUR is the company currency. */
export const ACCOUNT_CURRENCIES: readonly string[] = ['EUR', 'USD', 'GBP', 'CHF', 'SEK'];

const DEAL = 'dealinformation';
const PRODUCT = 'productinformation';
const LINE = 'lineiteminformation';
const calculated = (name: string, label: string): PropertyDefinition =>
  number(name, label, LINE, { readOnlyValue: true });

export const DEAL_PROPERTIES: readonly PropertyDefinition[] = [
  system('hs_object_id', 'Record ID', 'number', DEAL),
  system('createdate', 'Create Date', 'datetime', DEAL),
  system('hs_lastmodifieddate', 'Last Modified Date', 'datetime', DEAL),
  text('dealname', 'Deal Name', DEAL),
  number('amount', 'Amount', DEAL, { fieldType: 'number' }),
  enumeration('deal_currency_code', 'Currency', DEAL, ACCOUNT_CURRENCIES),
  datetime('closedate', 'Close Date', DEAL),
  enumeration('dealstage', 'Deal Stage', DEAL, DEAL_STAGE_IDS, 'radio'),
  enumeration(
    'pipeline',
    'Pipeline',
    DEAL,
    DEAL_PIPELINES.map((p) => p.id),
  ),
  text('description', 'Deal Description', DEAL, { fieldType: 'textarea' }),
  mergedIds('Merged Deal IDs', DEAL),
  TANDEM_REF,
];

export const PRODUCT_PROPERTIES: readonly PropertyDefinition[] = [
  system('hs_object_id', 'Record ID', 'number', PRODUCT),
  system('createdate', 'Create Date', 'datetime', PRODUCT),
  system('hs_lastmodifieddate', 'Last Modified Date', 'datetime', PRODUCT),
  text('name', 'Name', PRODUCT),
  text('hs_sku', 'SKU', PRODUCT),
  number('price', 'Unit price', PRODUCT),
  number('hs_cost_of_goods_sold', 'Unit cost', PRODUCT),
  text('description', 'Description', PRODUCT, { fieldType: 'textarea' }),
  text('hs_recurring_billing_period', 'Term', PRODUCT),
  TANDEM_REF,
];

export const LINE_ITEM_PROPERTIES: readonly PropertyDefinition[] = [
  system('hs_object_id', 'Record ID', 'number', LINE),
  system('createdate', 'Create Date', 'datetime', LINE),
  system('hs_lastmodifieddate', 'Last Modified Date', 'datetime', LINE),
  text('name', 'Name', LINE),
  number('hs_product_id', 'Product ID', LINE),
  number('quantity', 'Quantity', LINE),
  number('price', 'Unit price', LINE),
  number('discount', 'Unit discount', LINE),
  number('hs_discount_percentage', 'Discount Percentage', LINE),
  text('hs_sku', 'SKU', LINE),
  text('description', 'Description', LINE, { fieldType: 'textarea' }),
  number('hs_cost_of_goods_sold', 'Unit cost', LINE),
  enumeration('hs_line_item_currency_code', 'Currency', LINE, ACCOUNT_CURRENCIES),
  calculated('amount', 'Net price'),
  calculated('hs_pre_discount_amount', 'Pre-discount amount'),
  calculated('hs_total_discount', 'Total discount'),
  TANDEM_REF,
];
