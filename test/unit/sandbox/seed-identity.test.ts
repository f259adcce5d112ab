/**
 * The seeded world people have been syncing against stays byte-identical when the seed grows
 * (deals, products and line items draw from their own stream): the same companies, contacts, ERP
 * companies and ERP people, field for field, for the default world and the tests' smaller one.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seedWorld } from '../../../sandbox/seed.js';

function digest(options: Parameters<typeof seedWorld>[0]): string {
  const world = seedWorld(options);
  const people = [world.companies, world.contacts, world.erpCompanies, world.erpPeople];
  return createHash('sha256').update(JSON.stringify(people)).digest('hex');
}

describe('the seed world', () => {
  it('keeps its people and companies byte-identical (recorded before deals were seeded)', () => {
    expect(digest({})).toBe('77991ca2d793d01fdb93f9afef7570afdf480067bb57ec1a9e5049bec8f91fc2');
    expect(digest({ contacts: 300, companies: 40 })).toBe(
      'ebf9c2ee945fcab64845346c65868589b906f062182421846bed40461001e43f',
    );
  });
});
