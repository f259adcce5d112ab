/**
 * The CRM's product catalogue and deals: about one deal for every two companies, in every stage of
 * HubSpot's default Sales Pipeline (a third of them won, some lost), each with one to four lines
 * (a product, a quantity, sometimes a percentage discount) and an amount that is the sum of the
 * lines' net prices as HubSpot calculates them. A few deals are in another currency than the
 * company's (EUR). Deals draw from their own random stream, seeded from the world's seed, so the
 * people and companies drawn before them stay byte-identical (test/unit/sandbox/seed-identity).
 */
import { pick, prng } from './random.js';
import type { SeedCommerce, SeedCompany, SeedDeal, SeedLine, SeedPerson, SeedProduct } from './types.js';

export const PRODUCTS: readonly SeedProduct[] = [
  { sku: 'TND-1001', name: 'Pallet Scanner S2', price: '249.00', cost: '120.00', type: 'consu' },
  { sku: 'TND-1002', name: 'Pallet Scanner S2 Pro', price: '399.50', cost: '181.25', type: 'consu' },
  { sku: 'TND-1003', name: 'Cold Chain Sensor', price: '34.90', cost: '12.40', type: 'consu' },
  { sku: 'TND-1004', name: 'Gateway Hub', price: '589.00', cost: '260.00', type: 'consu' },
  { sku: 'TND-2001', name: 'Fleet Tracking Licence (12 months)', price: '1200.00', cost: '0.00', type: 'service' },
  { sku: 'TND-2002', name: 'Analytics Add-on (12 months)', price: '480.00', cost: '0.00', type: 'service' },
  { sku: 'TND-3001', name: 'Installation Day', price: '950.00', cost: '400.00', type: 'service' },
  { sku: 'TND-3002', name: 'Training Workshop', price: '1450.00', cost: '600.00', type: 'service' },
  { sku: 'TND-4001', name: 'Spare Battery Pack', price: '19.99', cost: '7.10', type: 'consu' },
  { sku: 'TND-4002', name: 'Mounting Kit', price: '12.75', cost: '4.30', type: 'consu' },
  { sku: 'TND-5001', name: 'Support Plan Gold (12 months)', price: '2400.00', cost: '0.00', type: 'service' },
  { sku: 'TND-5002', name: 'Support Plan Silver (12 months)', price: '1200.00', cost: '0.00', type: 'service' },
];

/** Stages of the default pipeline with the share of deals in each. */
const STAGE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['appointmentscheduled', 0.12],
  ['qualifiedtobuy', 0.12],
  ['presentationscheduled', 0.1],
  ['decisionmakerboughtin', 0.1],
  ['contractsent', 0.1],
  ['closedwon', 0.34],
  ['closedlost', 0.12],
];

const DAY = 86_400_000;
/** Separates this stream from the people's (seed.ts uses the seed as is). */
const STREAM = 0x9e3779b9;

function stageOf(random: () => number): string {
  let roll = random();
  for (const [stage, weight] of STAGE_WEIGHTS) {
    if (roll < weight) return stage;
    roll -= weight;
  }
  return 'closedwon';
}

/** Cents of `price` x `quantity`, less a whole-percent discount of the total, rounded half up (HubSpot's net price). */
function lineCents(line: SeedLine): number {
  const price = Math.round(Number(PRODUCTS[line.product]?.price ?? '0') * 100);
  const pre = price * line.quantity;
  return pre - (line.discountPercent === null ? 0 : Math.round((pre * line.discountPercent) / 100));
}

function linesOf(random: () => number): SeedLine[] {
  const lines: SeedLine[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const product = Math.floor(random() * PRODUCTS.length);
    if (lines.some((l) => l.product === product)) continue;
    const discountPercent = random() < 0.25 ? pick(random, [5, 10, 15, 20]) : null;
    lines.push({ product, quantity: 1 + Math.floor(random() * 12), discountPercent });
  }
  return lines;
}

/** The deals of a world with these companies and contacts; the same seed gives the same deals. */
export function seedCommerce(
  seed: number,
  companies: readonly SeedCompany[],
  contacts: readonly SeedPerson[],
  startAt: number,
): SeedCommerce {
  const random = prng((seed ^ STREAM) >>> 0);
  const deals: SeedDeal[] = [];
  let at = startAt;
  const count = companies.length === 0 ? 0 : Math.max(10, Math.round(companies.length / 2));
  // Each company's staff, indexed once (the world may hold 100,000 contacts).
  const staffOf = new Map<number, number[]>();
  contacts.forEach((c, n) => {
    if (c.company === null) return;
    const staff = staffOf.get(c.company);
    if (staff === undefined) staffOf.set(c.company, [n]);
    else staff.push(n);
  });
  for (let i = 0; i < count; i++) {
    const company = Math.floor(random() * companies.length);
    const staff = staffOf.get(company) ?? [];
    const contact = staff.length === 0 ? null : (staff[Math.floor(random() * staff.length)] ?? null);
    const lines = linesOf(random);
    const cents = lines.reduce((sum, line) => sum + lineCents(line), 0);
    at += 60_000 + Math.floor(random() * 3_600_000);
    deals.push({
      name: `${companies[company]?.name ?? 'Deal'} - ${PRODUCTS[lines[0]?.product ?? 0]?.name ?? 'order'}`,
      company,
      contact,
      stage: stageOf(random),
      currency: random() < 0.1 ? pick(random, ['USD', 'GBP']) : 'EUR',
      closeDate: startAt + (10 + Math.floor(random() * 120)) * DAY,
      modifiedAt: at,
      lines,
      amount: (cents / 100).toFixed(2),
    });
  }
  return { products: PRODUCTS, deals };
}
