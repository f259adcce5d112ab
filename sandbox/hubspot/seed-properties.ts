/**
 * Turns the seed world into HubSpot records: companies first (so contacts can point at them with
 * `associatedcompanyid`), then contacts, each with its seeded modification time, then products,
 * deals and line items (seed-deals.ts). Runs once, on
 * the first start of an empty store.
 */
import { SEED_EPOCH, type SeedCompany, type SeedPerson, type SeedWorld } from '../seed.js';
import { seedDeals } from './seed-deals.js';
import { type HubspotStore, isSeeded, markSeeded } from './store.js';

const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  DE: 'Germany',
  FR: 'France',
  ES: 'Spain',
  IT: 'Italy',
  NL: 'Netherlands',
  BE: 'Belgium',
  AT: 'Austria',
  SE: 'Sweden',
  IE: 'Ireland',
  PT: 'Portugal',
};

function compact(values: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== null && value !== '') out[key] = value;
  return out;
}

export function companyProperties(company: SeedCompany): Record<string, string> {
  return compact({
    name: company.name,
    domain: company.domain,
    phone: company.phone,
    address: company.street,
    city: company.city,
    zip: company.zip,
    country: COUNTRY_NAMES[company.countryCode] ?? company.countryCode,
    industry: company.industry,
  });
}

export function contactProperties(
  person: SeedPerson,
  company: { name: string; id: number } | undefined,
): Record<string, string> {
  return compact({
    firstname: person.firstname,
    lastname: person.lastname,
    email: person.email === null ? null : person.email.toLowerCase(),
    phone: person.phone,
    jobtitle: person.jobtitle,
    address: person.street,
    city: person.city,
    zip: person.zip,
    country: COUNTRY_NAMES[person.countryCode] ?? person.countryCode,
    lifecyclestage: person.lifecyclestage,
    company: company?.name ?? null,
    associatedcompanyid: company === undefined ? null : String(company.id),
  });
}

/**
 * Seeds an empty store from the world; returns false when the store was seeded before. Companies
 * have no modification time in the seed: they get one a minute apart before the first contact.
 */
export function seedStore(store: HubspotStore, world: SeedWorld): boolean {
  if (isSeeded(store)) return false;
  store.transaction(() => {
    const companyIds: number[] = [];
    world.companies.forEach((company, i) => {
      const at = SEED_EPOCH - (world.companies.length - i) * 60_000;
      companyIds.push(store.insert('companies', companyProperties(company), at).id);
    });
    const contactIds: number[] = [];
    for (const person of world.contacts) {
      const index = person.company;
      const companyId = index === null ? undefined : companyIds[index];
      const company =
        index === null || companyId === undefined
          ? undefined
          : { name: world.companies[index]?.name ?? '', id: companyId };
      contactIds.push(store.insert('contacts', contactProperties(person, company), person.modifiedAt).id);
    }
    seedDeals(store, world, companyIds, contactIds);
    markSeeded(store);
  });
  return true;
}
