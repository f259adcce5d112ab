/**
 * Turns the seed world's catalogue and deals into HubSpot records on the first start: products,
 * then each deal (in the default pipeline, modified at its seeded time) with its line items
 * created from the products (name, price and SKU inherited, net price calculated as the API
 * calculates it), associated to its company (primary), its contact and its line items. Records
 * are inserted in the world's order, so deal `i` of the world is HubSpot deal `i + 1`.
 */
import type { SeedWorld } from '../seed.js';
import { associationStore } from './associations.js';
import { deriveWrite } from './object-rules.js';
import { DEFAULT_PIPELINE_ID } from './pipelines.js';
import type { HubspotStore } from './store.js';

export function seedDeals(
  store: HubspotStore,
  world: SeedWorld,
  companyIds: readonly number[],
  contactIds: readonly number[],
): void {
  const links = associationStore(store);
  const productIds = world.commerce.products.map(
    (p) =>
      store.insert(
        'products',
        { name: p.name, hs_sku: p.sku, price: p.price, hs_cost_of_goods_sold: p.cost },
        world.commerce.deals[0]?.modifiedAt ?? 0,
      ).id,
  );
  for (const deal of world.commerce.deals) {
    const record = store.insert(
      'deals',
      {
        dealname: deal.name,
        amount: deal.amount,
        deal_currency_code: deal.currency,
        closedate: String(deal.closeDate),
        dealstage: deal.stage,
        pipeline: DEFAULT_PIPELINE_ID,
      },
      deal.modifiedAt,
    );
    const companyId = companyIds[deal.company];
    if (companyId !== undefined) links.associate('deals', record.id, 'companies', companyId, [5]);
    const contactId = deal.contact === null ? undefined : contactIds[deal.contact];
    if (contactId !== undefined) links.associate('deals', record.id, 'contacts', contactId, []);
    for (const line of deal.lines) {
      const values: Record<string, string> = {
        hs_product_id: String(productIds[line.product] ?? ''),
        quantity: String(line.quantity),
        hs_line_item_currency_code: deal.currency,
      };
      if (line.discountPercent !== null) values['hs_discount_percentage'] = String(line.discountPercent);
      const derived = deriveWrite(store, 'line_items', values, undefined);
      const item = store.insert('line_items', derived.values, deal.modifiedAt);
      links.associate('deals', record.id, 'line_items', item.id, []);
    }
  }
}
