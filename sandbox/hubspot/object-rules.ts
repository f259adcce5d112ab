/**
 * What HubSpot does to a write beyond checking each property on its own:
 * - a deal lands in the default pipeline when the write names none, and its `dealstage` must be a
 *   stage of its pipeline (the one written, else the one it is in);
 * - a line item created from a product (`hs_product_id`) takes the product's name, price, SKU,
 *   unit cost and description where the write leaves them out, and HubSpot calculates its
 *   `hs_pre_discount_amount` (price x quantity), `hs_total_discount` (the unit `discount` x
 *   quantity, or `hs_discount_percentage` of the pre-discount amount) and `amount`, the net price
 *   (pre-discount minus discount), rounded to two places.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/deals/guide
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/line-items/guide
 */
import { parseDecimal, percentOf, multiply, subtract, toFixed } from './decimal.js';
import type { PropertyProblem } from './errors.js';
import { DEFAULT_PIPELINE_ID, pipelineOf } from './pipelines.js';
import type { ObjectType } from './properties.js';
import type { HubspotStore, StoredRecord } from './store.js';

export interface DerivedWrite {
  /** The values to store: the write's, plus what HubSpot sets or calculates. */
  readonly values: Record<string, string>;
  /** Problems that fail this input (VALIDATION_ERROR, as a property's bad value does). */
  readonly invalid: PropertyProblem[];
}

/** The properties a line item copies from its product. */
const FROM_PRODUCT = ['name', 'price', 'hs_sku', 'hs_cost_of_goods_sold', 'description'] as const;

function dealRules(values: Record<string, string>, existing: StoredRecord | undefined): DerivedWrite {
  const out = { ...values };
  if (existing === undefined && (out['pipeline'] ?? '') === '') out['pipeline'] = DEFAULT_PIPELINE_ID;
  const pipelineId = out['pipeline'] ?? existing?.properties['pipeline'] ?? DEFAULT_PIPELINE_ID;
  const stage = out['dealstage'] ?? existing?.properties['dealstage'];
  const pipeline = pipelineOf(pipelineId);
  const touched = 'dealstage' in values || 'pipeline' in values;
  if (!touched || stage === undefined || stage === '' || pipeline === undefined) return { values: out, invalid: [] };
  if (pipeline.stages.some((s) => s.id === stage)) return { values: out, invalid: [] };
  // Guessed wording; HubSpot answers a stage outside the deal's pipeline as an invalid option.
  const allowed = pipeline.stages.map((s) => s.id).join(', ');
  return {
    values: out,
    invalid: [
      {
        name: 'dealstage',
        error: 'INVALID_OPTION',
        message: `${stage} was not one of the allowed options for pipeline ${pipeline.id}: [${allowed}]`,
      },
    ],
  };
}

function lineItemRules(
  store: HubspotStore,
  values: Record<string, string>,
  existing: StoredRecord | undefined,
): DerivedWrite {
  const out = { ...values };
  const productId = values['hs_product_id'];
  if (productId !== undefined && productId !== '') {
    const product = /^\d+$/.test(productId) ? store.get('products', Number(productId)) : undefined;
    if (product === undefined) {
      // Guessed wording: a line item must name an existing product.
      const message = `Product with id ${productId} does not exist`;
      return { values: out, invalid: [{ name: 'hs_product_id', error: 'INVALID_OBJECT_ID', message }] };
    }
    for (const name of FROM_PRODUCT) {
      const inherited = product.properties[name];
      if (!(name in values) && inherited !== undefined) out[name] = inherited;
    }
  }
  const merged = { ...existing?.properties, ...out };
  const price = parseDecimal(merged['price'] ?? '');
  if (price === undefined) return { values: out, invalid: [] };
  const quantity = parseDecimal(merged['quantity'] ?? '1') ?? parseDecimal('1');
  const pre = quantity === undefined ? price : multiply(price, quantity);
  const percent = parseDecimal(merged['hs_discount_percentage'] ?? '');
  const unitDiscount = parseDecimal(merged['discount'] ?? '');
  const discount =
    percent !== undefined
      ? parseDecimal(toFixed(percentOf(pre, percent)))
      : unitDiscount !== undefined && quantity !== undefined
        ? multiply(unitDiscount, quantity)
        : undefined;
  out['hs_pre_discount_amount'] = toFixed(pre);
  out['hs_total_discount'] = toFixed(discount ?? { units: 0n, scale: 0 });
  out['amount'] = toFixed(discount === undefined ? pre : subtract(pre, discount));
  return { values: out, invalid: [] };
}

/** Applies HubSpot's per-object rules to a checked write; `existing` is the record an update changes. */
export function deriveWrite(
  store: HubspotStore,
  object: ObjectType,
  values: Record<string, string>,
  existing: StoredRecord | undefined,
): DerivedWrite {
  if (object === 'deals') return dealRules(values, existing);
  if (object === 'line_items') return lineItemRules(store, values, existing);
  return { values, invalid: [] };
}
