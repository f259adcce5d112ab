/**
 * The property definitions the sandbox serves from `GET /crm/v3/properties/{object}` and checks
 * writes against. The names are HubSpot's default contact and company properties (deals, products
 * and line items in commerce-properties.ts) plus one custom
 * unique property, `tandem_ref`, the kind an integration creates for upsert-by-external-id.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/properties/guide
 */
import { INDUSTRIES as SEED_INDUSTRIES, STAGES as SEED_STAGES } from '../seed.js';
import { DEAL_PROPERTIES, LINE_ITEM_PROPERTIES, PRODUCT_PROPERTIES } from './commerce-properties.js';
import type { CustomProperties } from './custom-properties.js';
import { type PropertyDefinition, TANDEM_REF, mergedIds, system, text } from './property-builders.js';

export type { PropertyDefinition } from './property-builders.js';

export type ObjectType = 'contacts' | 'companies' | 'deals' | 'products' | 'line_items';

export const OBJECT_TYPES: readonly ObjectType[] = ['contacts', 'companies', 'deals', 'products', 'line_items'];

/** HubSpot's object type ids, as they appear in some error messages (`0-1` is contacts). */
export const OBJECT_TYPE_IDS: Readonly<Record<ObjectType, string>> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  products: '0-7',
  line_items: '0-8',
};

// HubSpot's default lifecycle stages: the seed's plus 'other'.
const STAGES = [...SEED_STAGES, 'other'];

const CONTACTS: readonly PropertyDefinition[] = [
  system('hs_object_id', 'Record ID', 'number', 'contactinformation'),
  system('createdate', 'Create Date', 'datetime', 'contactinformation'),
  system('lastmodifieddate', 'Last Modified Date', 'datetime', 'contactinformation'),
  text('email', 'Email', 'contactinformation'),
  text('firstname', 'First Name', 'contactinformation'),
  text('lastname', 'Last Name', 'contactinformation'),
  text('phone', 'Phone Number', 'contactinformation', { fieldType: 'phonenumber' }),
  text('jobtitle', 'Job Title', 'contactinformation'),
  text('address', 'Street Address', 'contactinformation'),
  text('city', 'City', 'contactinformation'),
  text('zip', 'Postal Code', 'contactinformation'),
  text('country', 'Country/Region', 'contactinformation'),
  text('company', 'Company Name', 'contactinformation'),
  {
    name: 'lifecyclestage',
    label: 'Lifecycle Stage',
    type: 'enumeration',
    fieldType: 'radio',
    groupName: 'contactinformation',
    hasUniqueValue: false,
    readOnlyValue: false,
    options: STAGES,
  },
  {
    name: 'associatedcompanyid',
    label: 'Primary Associated Company ID',
    type: 'number',
    fieldType: 'number',
    groupName: 'contactinformation',
    hasUniqueValue: false,
    readOnlyValue: false,
  },
  mergedIds('Merged Contact IDs', 'contactinformation'),
  TANDEM_REF,
];

const COMPANIES: readonly PropertyDefinition[] = [
  system('hs_object_id', 'Record ID', 'number', 'companyinformation'),
  system('createdate', 'Create Date', 'datetime', 'companyinformation'),
  system('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'companyinformation'),
  text('name', 'Company name', 'companyinformation'),
  text('domain', 'Company Domain Name', 'companyinformation'),
  text('phone', 'Phone Number', 'companyinformation', { fieldType: 'phonenumber' }),
  text('address', 'Street Address', 'companyinformation'),
  text('city', 'City', 'companyinformation'),
  text('zip', 'Postal Code', 'companyinformation'),
  text('country', 'Country/Region', 'companyinformation'),
  {
    name: 'industry',
    label: 'Industry',
    type: 'enumeration',
    fieldType: 'select',
    groupName: 'companyinformation',
    hasUniqueValue: false,
    readOnlyValue: false,
    options: SEED_INDUSTRIES,
  },
  mergedIds('Merged Company IDs', 'companyinformation'),
  TANDEM_REF,
];

const DEFINITIONS: Readonly<Record<ObjectType, readonly PropertyDefinition[]>> = {
  contacts: CONTACTS,
  companies: COMPANIES,
  deals: DEAL_PROPERTIES,
  products: PRODUCT_PROPERTIES,
  line_items: LINE_ITEM_PROPERTIES,
};

/** Contacts say `lastmodifieddate`, every other object `hs_lastmodifieddate` (see the search guide's default properties). */
export const MODIFIED_PROPERTY: Readonly<Record<ObjectType, string>> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  deals: 'hs_lastmodifieddate',
  products: 'hs_lastmodifieddate',
  line_items: 'hs_lastmodifieddate',
};

/** What search and list return when the request names no properties (the search guide's table). */
export const DEFAULT_PROPERTIES: Readonly<Record<ObjectType, readonly string[]>> = {
  contacts: ['firstname', 'lastname', 'email', 'lastmodifieddate', 'hs_object_id', 'createdate'],
  companies: ['name', 'domain', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: [
    'dealname',
    'amount',
    'closedate',
    'pipeline',
    'dealstage',
    'createdate',
    'hs_lastmodifieddate',
    'hs_object_id',
  ],
  products: ['name', 'description', 'price', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  line_items: ['quantity', 'amount', 'price', 'createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

export function isObjectType(value: string): value is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(value);
}

/** Where the properties created through the API live: the store (custom-properties.ts). */
export interface PropertySource {
  readonly custom: CustomProperties;
}

/** The built-in definitions, then those created through the API when `source` is given. */
export function propertiesOf(object: ObjectType, source?: PropertySource): readonly PropertyDefinition[] {
  return source === undefined ? DEFINITIONS[object] : [...DEFINITIONS[object], ...source.custom.list(object)];
}

export function propertyOf(object: ObjectType, name: string, source?: PropertySource): PropertyDefinition | undefined {
  return DEFINITIONS[object].find((p) => p.name === name) ?? source?.custom.list(object).find((p) => p.name === name);
}

/**
 * Properties that may serve as `idProperty`: those with `hasUniqueValue`, and a contact's
 * `email`, which HubSpot treats as unique although its definition does not say so
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/guide, "upsert").
 */
export function uniqueProperties(object: ObjectType): string[] {
  const unique = DEFINITIONS[object].filter((p) => p.hasUniqueValue).map((p) => p.name);
  return object === 'contacts' ? ['email', ...unique] : unique;
}
