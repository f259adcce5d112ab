/**
 * Deterministic, realistic seed data for the embedded sandbox: one "world" from which the CRM
 * and the ERP each take their view. The ERP partly overlaps the CRM (same people, sometimes
 * with other phone numbers or cities), holds people the CRM has never seen, and has a few
 * duplicate emails, as real ERPs do. Same seed, same world, on every machine.
 *
 * The parts live in `seed/`: the PRNG (`random.ts`), the word lists (`vocabulary.ts`), field
 * values (`values.ts`), companies (`companies.ts`) and people (`people.ts`). They all draw from
 * one stream in a fixed order, so reordering the calls below changes the world.
 *
 * @example
 *   const world = seedWorld({ seed: 42, contacts: 600, companies: 80 });
 */
import { seedCompanies, seedErpCompanies } from './seed/companies.js';
import { seedCommerce } from './seed/deals.js';
import { seedContacts, seedErpPeople } from './seed/people.js';
import { prng } from './seed/random.js';
import type { SeedOptions, SeedWorld } from './seed/types.js';

export { prng } from './seed/random.js';
export type {
  SeedCommerce,
  SeedCompany,
  SeedDeal,
  SeedLine,
  SeedOptions,
  SeedPerson,
  SeedProduct,
  SeedWorld,
} from './seed/types.js';
export { INDUSTRIES, STAGES } from './seed/vocabulary.js';

/** 2024-01-01T00:00:00Z: the seed's clock starts here. */
export const SEED_EPOCH = Date.UTC(2024, 0, 1);

/** Builds the world. Defaults: seed 42, 2,000 contacts, 300 companies. */
export function seedWorld(options: SeedOptions = {}): SeedWorld {
  const random = prng(options.seed ?? 42);
  const companyCount = options.companies ?? 300;
  const clock = { at: SEED_EPOCH };
  const companies = seedCompanies(random, companyCount);
  const contacts = seedContacts(random, options.contacts ?? 2000, companies, clock);
  const erpCompanies = seedErpCompanies(random, companyCount);
  const erpPeople = seedErpPeople(random, contacts, clock);
  // Deals come last, from their own stream: adding them left the world above unchanged.
  const commerce = seedCommerce(options.seed ?? 42, companies, contacts, clock.at);
  return { companies, contacts, erpCompanies, erpPeople, commerce };
}
