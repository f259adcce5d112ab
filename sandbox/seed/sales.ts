/**
 * The seed's quote-to-cash data, drawn from its own stream so that the people and companies
 * seeded before it stay byte-identical: the product catalogue the CRM sells from too (SKUs
 * TND-1001…) and a few orders placed by the ERP's companies, in every stage from quotation to paid.
 */
import { prng } from './random.js';
import { PRODUCTS } from './deals.js';
import type { SeedProduct, SeedWorld } from './types.js';

/** How far an order has gone. */
export type SeedOrderStage = 'quotation' | 'confirmed' | 'invoiced' | 'partly-paid' | 'paid' | 'cancelled';

export interface SeedOrderLine {
  readonly sku: string;
  readonly quantity: number;
  /** Percent, two decimals at most. */
  readonly discount: number;
}

export interface SeedOrder {
  /** Index into the world's companies; always one the ERP holds. */
  readonly company: number;
  /** ISO code of the order's currency. */
  readonly currency: string;
  readonly lines: readonly SeedOrderLine[];
  /** When the quotation was made, epoch ms; later steps follow it by hours and days. */
  readonly placedAt: number;
  readonly stage: SeedOrderStage;
  /**
   * The CRM deal the order was made for, as the flow writes it into `client_order_ref`
   * (`HS-DEAL-<HubSpot id>`), or null for an order typed in the ERP.
   */
  readonly reference: string | null;
}

export interface SeedSales {
  readonly products: readonly SeedProduct[];
  readonly orders: readonly SeedOrder[];
}

/** The catalogue both vendors sell from: the CRM's products (seed/deals.ts), so lines match by SKU. */
export const SEED_PRODUCTS: readonly SeedProduct[] = PRODUCTS;

/** FNV-1a of the world's company names: the sales stream's seed, the same for the same world. */
function streamSeed(world: SeedWorld): number {
  let hash = 0x811c9dc5;
  for (const char of world.companies.map((c) => c.name).join('|')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash ^ 0x5a1e5;
}

const STAGES: readonly SeedOrderStage[] = [
  'paid',
  'paid',
  'quotation',
  'paid',
  'confirmed',
  'partly-paid',
  'invoiced',
  'paid',
  'cancelled',
];
const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'GBP'] as const;
const DISCOUNTS = [0, 0, 0, 5, 10, 12.5] as const;
const DAY = 86_400_000;

/** The world's orders: one per stage above, each from a different company the ERP holds. */
export function seedSales(world: SeedWorld, start: number): SeedSales {
  const random = prng(streamSeed(world));
  const pickFrom = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const companies = [...world.erpCompanies];
  const orders: SeedOrder[] = [];
  for (const [i, stage] of STAGES.entries()) {
    if (companies.length === 0) break;
    const [company] = companies.splice(Math.floor(random() * companies.length), 1);
    if (company === undefined) break;
    const skus = new Set<string>();
    const count = 1 + Math.floor(random() * 4);
    while (skus.size < count) skus.add(pickFrom(SEED_PRODUCTS).sku);
    orders.push({
      company,
      currency: pickFrom(CURRENCIES),
      lines: [...skus].map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 20), discount: pickFrom(DISCOUNTS) })),
      placedAt: start + (i * 7 + Math.floor(random() * 5)) * DAY + Math.floor(random() * 8 * 3600) * 1000,
      stage,
      reference: null,
    });
  }
  return { products: SEED_PRODUCTS, orders: [...orders, ...wonDealOrders(world)] };
}

/** How many won deals the ERP already holds an order for, invoiced and paid. */
const WON_AND_PAID = 3;

/**
 * Orders for the first won deals whose company the ERP holds: what an earlier integration, or a
 * person, already entered; invoiced and paid. They carry
 * the deal's reference (deal `i` of the world is HubSpot deal `i + 1`, sandbox/hubspot/seed-deals.ts)
 * and its lines, so the first run links each deal to its order and brings the payment back.
 * Drawn without the random stream: the orders above stay as they were.
 */
function wonDealOrders(world: SeedWorld): SeedOrder[] {
  const free = new Set(world.erpCompanies);
  const orders: SeedOrder[] = [];
  for (const [i, deal] of world.commerce.deals.entries()) {
    if (orders.length === WON_AND_PAID) break;
    if (deal.stage !== 'closedwon' || !free.has(deal.company)) continue;
    free.delete(deal.company);
    orders.push({
      company: deal.company,
      currency: deal.currency,
      lines: deal.lines.map((line) => ({
        sku: SEED_PRODUCTS[line.product]?.sku ?? '',
        quantity: line.quantity,
        discount: line.discountPercent ?? 0,
      })),
      placedAt: deal.modifiedAt + DAY,
      stage: 'paid',
      reference: `HS-DEAL-${i + 1}`,
    });
  }
  return orders;
}
