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
  /** The CRM's product catalogue and deals (seed/deals.ts), drawn from their own stream. */
  readonly commerce: SeedCommerce;
}

/** A catalogue product; the SKU is what an ERP matches it by (Odoo `default_code`, Tryton `code`). */
export interface SeedProduct {
  readonly sku: string;
  readonly name: string;
  /** Unit price, a decimal string in the company currency (EUR). */
  readonly price: string;
  readonly cost: string;
  /** Odoo's product type: goods (`consu`) or a service. */
  readonly type: 'consu' | 'service';
}

/** One line of a deal: a product, a quantity and maybe a percentage discount. */
export interface SeedLine {
  /** Index into the catalogue. */
  readonly product: number;
  readonly quantity: number;
  /** Whole percent, or null. */
  readonly discountPercent: number | null;
}

export interface SeedDeal {
  readonly name: string;
  /** Index into the world's companies. */
  readonly company: number;
  /** Index into the world's contacts (one who works for the company), or null. */
  readonly contact: number | null;
  /** A stage id of HubSpot's default Sales Pipeline. */
  readonly stage: string;
  readonly currency: string;
  /** Epoch ms. */
  readonly closeDate: number;
  /** Epoch ms: the deal's creation and last modification in the seed. */
  readonly modifiedAt: number;
  readonly lines: readonly SeedLine[];
  /** The sum of the lines' net amounts, a decimal string with two places. */
  readonly amount: string;
}

export interface SeedCommerce {
  readonly products: readonly SeedProduct[];
  readonly deals: readonly SeedDeal[];
}

export interface SeedOptions {
  readonly seed?: number;
  readonly contacts?: number;
  readonly companies?: number;
}
