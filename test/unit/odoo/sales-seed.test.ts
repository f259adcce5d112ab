import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SEED_EPOCH, seedWorld } from '../../../sandbox/seed.js';
import { SEED_PRODUCTS, seedSales } from '../../../sandbox/seed/sales.js';

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('the seed’s sales', () => {
  it('leave the people and companies seeded before them byte-identical', () => {
    const world = seedWorld({});
    seedSales(world, SEED_EPOCH);
    // The hashes recorded before sales were seeded (the same as the CRM side's seed identity test).
    expect(digest([world.companies, world.contacts, world.erpCompanies, world.erpPeople])).toBe(
      '77991ca2d793d01fdb93f9afef7570afdf480067bb57ec1a9e5049bec8f91fc2',
    );
    const small = seedWorld({ contacts: 300, companies: 40 });
    expect(digest([small.companies, small.contacts, small.erpCompanies, small.erpPeople])).toBe(
      'ebf9c2ee945fcab64845346c65868589b906f062182421846bed40461001e43f',
    );
  });

  it('are the same for the same world, from its own stream, with ERP customers and catalogue SKUs', () => {
    const world = seedWorld({ contacts: 300, companies: 40 });
    const sales = seedSales(world, SEED_EPOCH);
    expect(seedSales(seedWorld({ contacts: 300, companies: 40 }), SEED_EPOCH)).toEqual(sales);
    expect(seedSales(seedWorld({ seed: 7, contacts: 300, companies: 40 }), SEED_EPOCH)).not.toEqual(sales);
    expect(sales.products.map((p) => p.sku)).toEqual(SEED_PRODUCTS.map((p) => p.sku));
    expect(SEED_PRODUCTS[0]?.sku).toBe('TND-1001');
    const skus = new Set(SEED_PRODUCTS.map((p) => p.sku));
    expect(sales.orders.every((o) => world.erpCompanies.includes(o.company))).toBe(true);
    const typed = sales.orders.filter((o) => o.reference === null);
    expect(new Set(typed.map((o) => o.company)).size).toBe(typed.length);
    expect(sales.orders.flatMap((o) => o.lines).every((l) => skus.has(l.sku))).toBe(true);
    expect(new Set(sales.orders.map((o) => o.stage))).toEqual(
      new Set(['quotation', 'confirmed', 'invoiced', 'partly-paid', 'paid', 'cancelled']),
    );
  });

  it('hold, for the first won deals whose company the ERP holds, an order already paid that carries the deal’s reference and lines', () => {
    const world = seedWorld({ contacts: 300, companies: 40 });
    const referenced = seedSales(world, SEED_EPOCH).orders.filter((o) => o.reference !== null);
    expect(referenced).toHaveLength(3);
    for (const order of referenced) {
      const index = Number(/^HS-DEAL-(\d+)$/.exec(order.reference ?? '')?.[1]) - 1;
      const deal = world.commerce.deals[index];
      expect(deal?.stage).toBe('closedwon');
      expect(order.company).toBe(deal?.company);
      expect(order.currency).toBe(deal?.currency);
      expect(order.stage).toBe('paid');
      expect(order.lines).toEqual(
        deal?.lines.map((l) => ({
          sku: SEED_PRODUCTS[l.product]?.sku,
          quantity: l.quantity,
          discount: l.discountPercent ?? 0,
        })),
      );
    }
  });
});
