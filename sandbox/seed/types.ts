/** The shapes of the sandbox's seed world: what the CRM and the ERP each take their view from. */

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
