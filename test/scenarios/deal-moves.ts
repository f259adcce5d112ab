/**
 * What a salesperson does to a deal in HubSpot, over the v3 objects and v4 associations APIs, for
 * the quote-to-cash scenarios: create a company and a deal with its line items, edit, add and
 * remove lines; and what a test reads of the state store and of an order's lines.
 */
import type { ConflictRow, DeadLetterRow } from '../../state/index.js';
import type { FlowWorld, Row } from './flow-harness.js';

/** HubSpot's default association types (associations v4): line item -> deal, deal -> company (Primary). */
const LINE_ITEM_TO_DEAL = 20;
const DEAL_TO_PRIMARY_COMPANY = 5;

export interface NewLine {
  readonly sku: string;
  readonly quantity: string;
  readonly price: string;
  readonly name?: string;
}

/** A line item of a deal as HubSpot holds it. */
export interface LineItem {
  readonly id: string;
  readonly sku: string;
  readonly quantity: string;
  readonly amount: string;
}

const defined = (type: number) => [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: type }];

/** A line item on the deal, as the deal's "Add line item" does. */
export async function addLine(w: FlowWorld, dealId: string, line: NewLine): Promise<string> {
  const created = await w.hubspot('POST', '/crm/v3/objects/line_items', {
    properties: { hs_sku: line.sku, quantity: line.quantity, price: line.price, name: line.name ?? line.sku },
    associations: [{ to: { id: dealId }, types: defined(LINE_ITEM_TO_DEAL) }],
  });
  return String(created['id']);
}

export async function lineItems(w: FlowWorld, dealId: string): Promise<LineItem[]> {
  const { results } = await w.hubspot('GET', `/crm/v4/objects/deals/${dealId}/associations/line_items`);
  const ids = (results as Row[]).map((r) => ({ id: String(r['toObjectId']) }));
  if (ids.length === 0) return [];
  const read = await w.hubspot('POST', '/crm/v3/objects/line_items/batch/read', {
    inputs: ids,
    properties: ['hs_sku', 'quantity', 'amount'],
  });
  return (read['results'] as Row[])
    .map((r) => {
      const p = r['properties'] as Row;
      return {
        id: String(r['id']),
        sku: String(p['hs_sku']),
        quantity: String(p['quantity']),
        amount: String(p['amount']),
      };
    })
    .sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * HubSpot recalculates a deal's `amount` calculated from its line items when a line changes, which
 * moves the deal's hs_lastmodifieddate. The sandbox does not (a line item edit leaves the deal as
 * it was), so the scenarios PATCH the amount as HubSpot would: the sum of the lines' net amounts.
 */
export async function recalculateAmount(w: FlowWorld, dealId: string): Promise<string> {
  const cents = (await lineItems(w, dealId)).reduce((sum, l) => sum + Math.round(Number(l.amount) * 100), 0);
  const amount = (cents / 100).toFixed(2);
  await w.hubspot('PATCH', `/crm/v3/objects/deals/${dealId}`, { properties: { amount } });
  return amount;
}

export async function newCompany(w: FlowWorld, name: string): Promise<string> {
  const created = await w.hubspot('POST', '/crm/v3/objects/companies', { properties: { name } });
  return String(created['id']);
}

/** A deal in `stage`, its company the primary one, with its lines and the amount HubSpot gives it. */
export async function newDeal(
  w: FlowWorld,
  deal: { name: string; stage: string; companyId?: string; currency?: string; lines: readonly NewLine[] },
): Promise<string> {
  const created = await w.hubspot('POST', '/crm/v3/objects/deals', {
    properties: { dealname: deal.name, dealstage: deal.stage, deal_currency_code: deal.currency ?? 'EUR' },
    ...(deal.companyId === undefined
      ? {}
      : { associations: [{ to: { id: deal.companyId }, types: defined(DEAL_TO_PRIMARY_COMPANY) }] }),
  });
  const id = String(created['id']);
  for (const line of deal.lines) await addLine(w, id, line);
  await recalculateAmount(w, id);
  return id;
}

/** The order's sale.order.line ids by product SKU. */
export async function orderLineIds(w: FlowWorld, orderId: number): Promise<Record<string, number>> {
  const lines = await w.odoo<Row[]>('sale.order.line', 'search_read', [[['order_id', '=', orderId]]], {
    fields: ['product_id'],
  });
  const products = await w.odoo<Row[]>('product.product', 'search_read', [[]], {
    fields: ['default_code'],
    context: { active_test: false },
  });
  const sku = new Map(products.map((p) => [p['id'], String(p['default_code'])]));
  return Object.fromEntries(lines.map((l) => [sku.get((l['product_id'] as [number, string])[0]), Number(l['id'])]));
}

export async function openConflicts(w: FlowWorld, dealId: string): Promise<ConflictRow[]> {
  return (await w.app.store.conflicts('deals', 'open')).filter((c) => c.crm_id === dealId);
}

export async function deadLetters(w: FlowWorld, dealId: string): Promise<DeadLetterRow[]> {
  return (await w.app.store.deadLetters('deals')).filter((d) => d.record_id === dealId);
}
