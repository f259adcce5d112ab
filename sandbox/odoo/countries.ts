/**
 * The sandbox's `res.country` rows: ISO 3166-1 alpha-2 codes and English names. Real Odoo ships
 * ~250 countries from `base/data/res_country_data.xml`; the ids here are the sandbox's own
 * (alphabetical by code), not Odoo's, so a client must look countries up by code.
 */
export const COUNTRIES: ReadonlyArray<readonly [code: string, name: string]> = [
  ['AT', 'Austria'],
  ['AU', 'Australia'],
  ['BE', 'Belgium'],
  ['BR', 'Brazil'],
  ['CA', 'Canada'],
  ['CH', 'Switzerland'],
  ['CZ', 'Czech Republic'],
  ['DE', 'Germany'],
  ['DK', 'Denmark'],
  ['ES', 'Spain'],
  ['FI', 'Finland'],
  ['FR', 'France'],
  ['GB', 'United Kingdom'],
  ['GR', 'Greece'],
  ['HU', 'Hungary'],
  ['IE', 'Ireland'],
  ['IN', 'India'],
  ['IT', 'Italy'],
  ['JP', 'Japan'],
  ['LU', 'Luxembourg'],
  ['MX', 'Mexico'],
  ['NL', 'Netherlands'],
  ['NO', 'Norway'],
  ['PL', 'Poland'],
  ['PT', 'Portugal'],
  ['RO', 'Romania'],
  ['SE', 'Sweden'],
  ['TR', 'Türkiye'],
  ['US', 'United States'],
  ['ZA', 'South Africa'],
];
