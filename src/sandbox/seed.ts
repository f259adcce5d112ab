/**
 * Deterministic, realistic seed data for the embedded sandbox: one "world" from which the CRM
 * and the ERP each take their view. The ERP partly overlaps the CRM (same people, sometimes
 * with other phone numbers or cities), holds people the CRM has never seen, and has a few
 * duplicate emails, as real ERPs do. Same seed, same world, on every machine.
 */

export interface SeedCompany {
  readonly name: string;
  readonly domain: string;
  readonly phone: string;
  readonly street: string;
  readonly city: string;
  readonly zip: string;
  readonly countryCode: string;
  readonly vat: string | null;
  readonly industry: string;
}

export interface SeedPerson {
  readonly firstname: string;
  readonly lastname: string;
  /** Some people have no email: they take no part in an email-keyed sync. */
  readonly email: string | null;
  readonly phone: string;
  readonly jobtitle: string;
  readonly street: string;
  readonly city: string;
  readonly zip: string;
  readonly countryCode: string;
  readonly lifecyclestage: string;
  /** Index into the world's companies, or null. */
  readonly company: number | null;
  /** Modification time, epoch ms. Bulk imports give many records one timestamp. */
  readonly modifiedAt: number;
}

export interface SeedWorld {
  readonly companies: readonly SeedCompany[];
  readonly contacts: readonly SeedPerson[];
  /** The ERP's companies: indexes into `companies` (most of them). */
  readonly erpCompanies: readonly number[];
  /** The ERP's people: overlapping (maybe disagreeing), ERP-only and duplicated. */
  readonly erpPeople: readonly SeedPerson[];
}

export interface SeedOptions {
  readonly seed?: number;
  readonly contacts?: number;
  readonly companies?: number;
}

/** mulberry32: a small, fast, deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Anna',
  'Ben',
  'Chloé',
  'David',
  'Elif',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Kaito',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Paula',
  'Quentin',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wim',
  'Xenia',
  'Yusuf',
  'Zoë',
  'Amelia',
  'Bruno',
  'Carla',
  'Dmitri',
];
const LAST = [
  'Andersen',
  'Bauer',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Horvat',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Laurent',
  'Müller',
  'Novak',
  "O'Brien",
  'Peeters',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Unger',
  'Vogel',
  'Weber',
  'Yilmaz',
  'Zimmermann',
  'Nakamura',
  'Lindqvist',
  'Moreau',
  'Silva',
  'Kerr',
  'Haas',
];
const WORDS = [
  'Acme',
  'Borealis',
  'Cobalt',
  'Delta',
  'Evergreen',
  'Fjord',
  'Granite',
  'Harbor',
  'Iris',
  'Juniper',
  'Kestrel',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Orchid',
  'Pinnacle',
  'Quartz',
  'Riverside',
  'Summit',
  'Tundra',
  'Umbra',
  'Vertex',
  'Willow',
  'Zenith',
];
const SUFFIX = [
  'Logistics',
  'Foods',
  'Systems',
  'Textiles',
  'Energy',
  'Labs',
  'Trading',
  'Robotics',
  'Health',
  'Studio',
];
const FORMS = ['GmbH', 'SA', 'Ltd', 'BV', 'SRL', 'AB', 'Inc'];
const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['Berlin', '10115', 'DE'],
  ['Munich', '80331', 'DE'],
  ['Paris', '75002', 'FR'],
  ['Lyon', '69002', 'FR'],
  ['Madrid', '28013', 'ES'],
  ['Milan', '20121', 'IT'],
  ['Amsterdam', '1012', 'NL'],
  ['Brussels', '1000', 'BE'],
  ['Vienna', '1010', 'AT'],
  ['Stockholm', '111 20', 'SE'],
  ['Dublin', 'D02', 'IE'],
  ['Lisbon', '1100-148', 'PT'],
];
const STREETS = [
  'Main Street',
  'Harbour Road',
  'Station Square',
  'Mill Lane',
  'Market Place',
  'Park Avenue',
  'Church Street',
  'Canal Walk',
];
const TITLES = [
  'Buyer',
  'CFO',
  'Head of Operations',
  'Accountant',
  'Sales Manager',
  'Procurement Lead',
  'CEO',
  'Office Manager',
  'Engineer',
];
/** HubSpot's lifecycle stages the seed uses. */
export const STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
];
/** HubSpot industry values the seed uses. */
export const INDUSTRIES = [
  'LOGISTICS_AND_SUPPLY_CHAIN',
  'FOOD_PRODUCTION',
  'COMPUTER_SOFTWARE',
  'TEXTILES',
  'RENEWABLES_ENVIRONMENT',
  'RETAIL',
];

/** 2024-01-01T00:00:00Z: the seed's clock starts here. */
export const SEED_EPOCH = Date.UTC(2024, 0, 1);

function pick<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function phone(random: () => number, country: string): string {
  const prefix: Record<string, string> = {
    DE: '+49',
    FR: '+33',
    ES: '+34',
    IT: '+39',
    NL: '+31',
    BE: '+32',
    AT: '+43',
    SE: '+46',
    IE: '+353',
    PT: '+351',
  };
  const digits = String(Math.floor(random() * 1e9)).padStart(9, '0');
  return `${prefix[country] ?? '+49'} ${digits.slice(0, 3)} ${digits.slice(3)}`;
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** Builds the world. Defaults: seed 42, 2,000 contacts, 300 companies. */
export function seedWorld(options: SeedOptions = {}): SeedWorld {
  const random = prng(options.seed ?? 42);
  const companyCount = options.companies ?? 300;
  const contactCount = options.contacts ?? 2000;

  const companies: SeedCompany[] = [];
  const names = new Set<string>();
  for (let i = 0; i < companyCount; i++) {
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
      street: `${1 + Math.floor(random() * 200)} ${pick(random, STREETS)}`,
      city,
      zip,
      countryCode,
      vat: random() < 0.8 ? `${countryCode}${String(100000000 + i * 7919).slice(0, 9)}` : null,
      industry: pick(random, INDUSTRIES),
    });
  }

  const contacts: SeedPerson[] = [];
  let clock = SEED_EPOCH;
  for (let i = 0; i < contactCount; i++) {
    const firstname = pick(random, FIRST);
    const lastname = pick(random, LAST);
    const company = companyCount > 0 && random() < 0.85 ? Math.floor(random() * companyCount) : null;
    const [city, zip, countryCode] = pick(random, CITIES);
    const domain = company === null ? 'mail.example' : (companies[company]?.domain ?? 'mail.example');
    // One bulk import: contacts 100..179 share a single modification time, to exercise tie-breakers.
    if (!(i > 100 && i < 180)) clock += 1000 + Math.floor(random() * 600_000);
    contacts.push({
      firstname,
      lastname,
      email: random() < 0.95 ? `${slug(firstname)}.${slug(lastname)}.${i}@${domain}` : null,
      phone: phone(random, countryCode),
      jobtitle: pick(random, TITLES),
      street: `${1 + Math.floor(random() * 200)} ${pick(random, STREETS)}`,
      city,
      zip,
      countryCode,
      lifecyclestage: pick(random, STAGES),
      company,
      modifiedAt: clock,
    });
  }

  const erpCompanies: number[] = [];
  for (let i = 0; i < companyCount; i++) if (random() < 0.7) erpCompanies.push(i);

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
  // People the CRM has never seen.
  for (let i = 0; i < Math.round(contactCount * 0.15); i++) {
    const firstname = pick(random, FIRST);
    const lastname = pick(random, LAST);
    const [city, zip, countryCode] = pick(random, CITIES);
    clock += 1000 + Math.floor(random() * 60_000);
    erpPeople.push({
      firstname,
      lastname,
      email: `${slug(firstname)}.${slug(lastname)}.erp${i}@customer.example`,
      phone: phone(random, countryCode),
      jobtitle: pick(random, TITLES),
      street: `${1 + Math.floor(random() * 200)} ${pick(random, STREETS)}`,
      city,
      zip,
      countryCode,
      lifecyclestage: 'customer',
      company: null,
      modifiedAt: clock,
    });
  }

  return { companies, contacts, erpCompanies, erpPeople };
}
