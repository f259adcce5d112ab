/**
 * The world's people: the CRM's contacts, and the ERP's view of them (most of the overlap agrees,
 * a third disagrees, five are duplicated) plus people only the ERP knows. Modification times come
 * from one clock that runs through the contacts first, then the ERP-only people.
 */
import { pick } from './random.js';
import type { SeedCompany, SeedPerson } from './types.js';
import { phone, slug, street } from './values.js';
import { CITIES, STAGES, TITLES, FIRST, LAST } from './vocabulary.js';

/** The seed's clock: the last modification time handed out, epoch ms. */
export interface SeedClock {
  at: number;
}

/** `count` contacts; 85% work for one of `companies`, 95% have an email, 80 share one timestamp. */
export function seedContacts(
  random: () => number,
  count: number,
  companies: readonly SeedCompany[],
  clock: SeedClock,
): SeedPerson[] {
  const contacts: SeedPerson[] = [];
  for (let i = 0; i < count; i++) {
    const firstname = pick(random, FIRST);
    const lastname = pick(random, LAST);
    const company = companies.length > 0 && random() < 0.85 ? Math.floor(random() * companies.length) : null;
    const [city, zip, countryCode] = pick(random, CITIES);
    const domain = company === null ? 'mail.example' : (companies[company]?.domain ?? 'mail.example');
    // One bulk import: contacts 100..179 share a single modification time, to exercise tie-breakers.
    if (!(i > 100 && i < 180)) clock.at += 1000 + Math.floor(random() * 600_000);
    contacts.push({
      firstname,
      lastname,
      email: random() < 0.95 ? `${slug(firstname)}.${slug(lastname)}.${i}@${domain}` : null,
      phone: phone(random, countryCode),
      jobtitle: pick(random, TITLES),
      street: street(random),
      city,
      zip,
      countryCode,
      lifecyclestage: pick(random, STAGES),
      company,
      modifiedAt: clock.at,
    });
  }
  return contacts;
}

/**
 * The ERP's people: 60% of the contacts with an email (a third of those with another phone or
 * city), five duplicated emails, and `contacts.length * 0.15` people the CRM has never seen.
 */
export function seedErpPeople(random: () => number, contacts: readonly SeedPerson[], clock: SeedClock): SeedPerson[] {
  const erpPeople: SeedPerson[] = [];
  for (const person of contacts) {
    const roll = random();
    if (person.email === null || roll >= 0.6) continue;
    // A third of the overlap disagrees: another phone, or the person moved.
    if (roll < 0.1) erpPeople.push({ ...person, phone: phone(random, person.countryCode) });
    else if (roll < 0.2) erpPeople.push({ ...person, city: pick(random, CITIES)[0] });
    else erpPeople.push(person);
  }
  // A few duplicates in the ERP: the same email on two partners (an ambiguous match).
  for (let i = 0; i < 5 && i < erpPeople.length; i++) {
    const twin = erpPeople[i * 37];
    if (twin !== undefined) erpPeople.push({ ...twin, phone: phone(random, twin.countryCode) });
  }
  for (let i = 0; i < Math.round(contacts.length * 0.15); i++) erpPeople.push(erpOnlyPerson(random, i, clock));
  return erpPeople;
}

/** A customer the CRM has never seen, with no company. */
function erpOnlyPerson(random: () => number, i: number, clock: SeedClock): SeedPerson {
  const firstname = pick(random, FIRST);
  const lastname = pick(random, LAST);
  const [city, zip, countryCode] = pick(random, CITIES);
  clock.at += 1000 + Math.floor(random() * 60_000);
  return {
    firstname,
    lastname,
    email: `${slug(firstname)}.${slug(lastname)}.erp${i}@customer.example`,
    phone: phone(random, countryCode),
    jobtitle: pick(random, TITLES),
    street: street(random),
    city,
    zip,
    countryCode,
    lifecyclestage: 'customer',
    company: null,
    modifiedAt: clock.at,
  };
}
