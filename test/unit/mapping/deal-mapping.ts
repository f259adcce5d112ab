/** A deal -> sale.order mapping as the quote-to-cash flow writes it, and helpers for its tests. */
import fs from 'node:fs';
import path from 'node:path';
import type { SourceRecord } from '../../../connectors/types.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { CompiledMapping } from '../../../src/mapping/types.js';

export const DEALS = `crm: { object: deals }
erp: { object: sale.order }
reference: { erp: client_order_ref, template: 'HS-DEAL-{id}' }
fields:
  - erp: partner_id
    crm: [associations.company, associations.contact]
    reference: [companies, contacts]
    direction: crm->erp
  - erp: currency_id
    crm: deal_currency_code
    transform: [{ lookup: { object: res.currency, field: name } }]
    direction: crm->erp
  - erp: order_line
    crm: line_items
    direction: crm->erp
    lines:
      key: product_id
      fields:
        - { crm: hs_sku, erp: product_id, transform: [{ lookup: { object: product.product, field: default_code } }] }
        - { crm: quantity, erp: product_uom_qty, transform: [{ decimal: { scale: 3 } }] }
        - { crm: price, erp: price_unit, transform: [{ decimal: { scale: 2 } }] }
        - { crm: discount, erp: discount, transform: [{ default: 0 }, { decimal: { scale: 2 } }] }
`;

/** A deal's currency code -> the order's pricelist (Odoo 17 takes the currency from it). */
export const PRICELIST_MAPPING = `crm: { object: deals }
erp: { object: sale.order }
reference: { erp: client_order_ref, template: 'HS-DEAL-{id}' }
fields:
  - erp: pricelist_id
    crm: deal_currency_code
    transform:
      - { lookup: { object: res.currency, field: name } }
      - { lookup: { object: product.pricelist, field: currency_id } }
`;

export const record = (fields: Record<string, unknown>, id = '1'): SourceRecord => ({
  id,
  modifiedAt: '2024-01-01T00:00:00.000Z',
  deleted: false,
  fields,
});

/** A HubSpot line item as the deals connector reads it (contract section 1). */
export const item = (
  id: string,
  sku: string | null,
  quantity: string,
  price: string,
  discount: string | null = null,
) => ({
  id,
  hs_sku: sku,
  quantity,
  price,
  discount,
  name: null,
  hs_product_id: null,
});

/** Writes `yaml` to `dir` and loads it. */
export function mappingIn(dir: string, yaml: string, name = 'deals.yaml'): CompiledMapping {
  const file = path.join(dir, name);
  fs.writeFileSync(file, yaml);
  return loadMapping(file);
}
