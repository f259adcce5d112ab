/** Describes an Odoo model's fields through `fields_get`. */
import type { FieldDescription, ObjectDescription, SchemaDescriber } from '../types.js';
import type { OdooRpc } from './rpc.js';
import { fieldsGetSchema } from './schemas.js';

/** Odoo field types (odoo/fields.py) -> Tandem's coarse types. */
const TYPES: Readonly<Record<string, string>> = {
  char: 'string',
  text: 'string',
  html: 'string',
  integer: 'number',
  float: 'number',
  monetary: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  selection: 'enumeration',
  many2one: 'reference',
  one2many: 'reference',
  many2many: 'reference',
  many2one_reference: 'reference',
};

export function createDescriber(rpc: OdooRpc): SchemaDescriber {
  return {
    async describe(object: string): Promise<ObjectDescription> {
      const fields = await rpc.execute(
        {
          model: object,
          method: 'fields_get',
          args: [],
          kwargs: { attributes: ['string', 'type', 'readonly', 'required', 'relation'] },
          schema: fieldsGetSchema,
        },
        { readOnly: true },
      );
      const described: FieldDescription[] = Object.entries(fields)
        .map(([name, field]) => ({
          name,
          label: field.string,
          type: TYPES[field.type] ?? 'other',
          readOnly: field.readonly === true,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return { name: object, fields: described };
    },
  };
}
