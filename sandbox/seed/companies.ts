/** The world's companies, and the share of them the ERP holds too. */
import { pick } from './random.js';
import type { SeedCompany } from './types.js';
import { phone, slug, street } from './values.js';
import { CITIES, FORMS, INDUSTRIES, SUFFIX, WORDS } from './vocabulary.js';

/** `count` companies with unique names, each in one of the seed's cities; 80% have a VAT id. */
export function seedCompanies(random: () => number, count: number): SeedCompany[] {
  const companies: SeedCompany[] = [];
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const [city, zip, countryCode] = pick(random, CITIES);
    const base = `${pick(random, WORDS)} ${pick(random, SUFFIX)}`;
    // Company names are unique, as a CRM's usually are: the companies sync matches on them.
    const candidate = `${base} ${pick(random, FORMS)}`;
    const name = names.has(candidate) ? `${candidate} ${i}` : candidate;
    names.add(name);
    companies.push({
      name,
      domain: `${slug(base)}${i}.example`,
      phone: phone(random, countryCode),
      street: street(random),
      city,
      zip,
      countryCode,
      vat: random() < 0.8 ? `${countryCode}${String(100000000 + i * 7919).slice(0, 9)}` : null,
      industry: pick(random, INDUSTRIES),
    });
  }
  return companies;
}

/** Indexes of the companies the ERP holds as well: about 70% of them. */
export function seedErpCompanies(random: () => number, count: number): number[] {
  const erpCompanies: number[] = [];
  for (let i = 0; i < count; i++) if (random() < 0.7) erpCompanies.push(i);
  return erpCompanies;
}
