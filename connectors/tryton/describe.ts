/**
 * Describes a Tryton model's fields through `fields_get`. On `party.party` the virtual fields
 * (see party.ts) are listed as writable strings: `email` and `phone` replace Tryton's read-only
 * function fields of the same name, the address fields and `tax_identifier` are added.
 */
import type { FieldDescription, ObjectDescription, SchemaDescriber } from '../types.js';
import type { FieldCatalog } from './catalog.js';
import { PARTY, VIRTUAL_FIELDS } from './party.js';
import { SALE, SALE_VIRTUAL_FIELDS } from './sale.js';

/** Tryton field types (trytond/model/fields/) -> Tandem's coarse types. */
const TYPES: Readonly<Record<string, string>> = {
  char: 'string',
  text: 'string',
  integer: 'number',
  biginteger: 'number',
  float: 'number',
  numeric: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  timestamp: 'datetime',
  selection: 'enumeration',
  multiselection: 'enumeration',
  many2one: 'reference',
  one2many: 'reference',
  many2many: 'reference',
  one2one: 'reference',
  reference: 'reference',
};

const VIRTUAL_LABELS: Readonly<Record<(typeof VIRTUAL_FIELDS)[number], string>> = {
  email: 'E-Mail (first contact mechanism)',
  phone: 'Phone (first contact mechanism)',
  street: 'Street (first address)',
  city: 'City (first address)',
  zip: 'Postal Code (first address)',
  country_code: 'Country Code (first address)',
  tax_identifier: 'Tax Identifier (code)',
};

/** A sale's virtual field (sale.ts): `lines` (writable), the `invoices` object and its members (read-only). */
function saleVirtualField(name: (typeof SALE_VIRTUAL_FIELDS)[number]): FieldDescription {
  if (name === 'lines') return { name, label: 'Lines (product lines)', type: 'other', readOnly: false };
  if (name === 'invoices') return { name, label: 'Invoice aggregates (Tandem)', type: 'other', readOnly: true };
  const member = name.slice('invoices.'.length);
  const type =
    member.endsWith('_state') || member === 'names' ? 'string' : member.endsWith('_date') ? 'date' : 'number';
  return { name, label: `Invoices: ${member.replace(/_/g, ' ')}`, type, readOnly: true };
}

export function createDescriber(catalog: FieldCatalog): SchemaDescriber {
  return {
    async describe(object: string): Promise<ObjectDescription> {
      const fields = await catalog.fields(object);
      const described = new Map<string, FieldDescription>();
      for (const [name, field] of Object.entries(fields)) {
        described.set(name, {
          name,
          label: field.string,
          type: TYPES[field.type] ?? 'other',
          readOnly: field.readonly === true,
        });
      }
      if (object === SALE) {
        // `lines` replaces Tryton's one2many of the same name (sale.ts); the aggregates are read-only.
        for (const name of SALE_VIRTUAL_FIELDS) described.set(name, saleVirtualField(name));
      }
      if (object === PARTY) {
        for (const name of VIRTUAL_FIELDS) {
          described.set(name, { name, label: VIRTUAL_LABELS[name], type: 'string', readOnly: false });
        }
      }
      return { name: object, fields: [...described.values()].sort((a, b) => a.name.localeCompare(b.name)) };
    },
  };
}
