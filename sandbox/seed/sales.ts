/**
 * The seed's quote-to-cash data, drawn from its own stream so that the people and companies
 * seeded before it stay byte-identical: a fixed product catalogue (SKUs TND-0001…, the pattern
 * the CRM's products and line items use too) and a few orders placed by the ERP's companies, in
 * every stage from quotation to paid.
 */
import { prng } from './random.js';
import type { SeedWorld } from './types.js';

export interface SeedProduct {
  /** The SKU: Odoo's `default_code`, HubSpot's `hs_sku`. */
  readonly sku: string;
  readonly name: string;
  /** In the ERP company's currency (EUR), two decimals. */
  readonly listPrice: number;
  readonly type: 'consu' | 'service';
}

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
}

export interface SeedSales {
  readonly products: readonly SeedProduct[];
  readonly orders: readonly SeedOrder[];
}

/** The catalogue both vendors sell from; its prices have cents that test rounding (19.99, 0.35…). */
export const SEED_PRODUCTS: readonly SeedProduct[] = [
  ['Tandem Sync Starter licence (1 year)', 1200, 'service'],
  ['Tandem Sync Business licence (1 year)', 4800, 'service'],
  ['Onboarding workshop (day)', 950, 'service'],
  ['Support hours pack (10 h)', 1490.5, 'service'],
  ['Rack-mount sync appliance', 3299.99, 'consu'],
  ['USB-C docking station', 189.9, 'consu'],
  ['Barcode scanner', 129.95, 'consu'],
  ['Label printer ribbon', 19.99, 'consu'],
  ['Thermal paper roll', 0.35, 'consu'],
  ['Extended warranty (3 years)', 399, 'service'],
  ['Data migration (per 10,000 records)', 725.25, 'service'],
  ['Training e-learning seat', 59, 'service'],
].map(([name, listPrice, type], i) => ({
  sku: `TND-${String(i + 1).padStart(4, '0')}`,
  name: name as string,
  listPrice: listPrice as number,
  type: type as 'consu' | 'service',
}));

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
    });
  }
  return { products: SEED_PRODUCTS, orders };
}
