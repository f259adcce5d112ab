/** Describes an Odoo model's fields through `fields_get`. */
import type { FieldDescription, ObjectDescription, SchemaDescriber } from '../types.js';
import { INVOICE_AGGREGATES } from './invoice-totals.js';
import type { OdooRpc } from './rpc.js';
import { SALE_ORDER } from './sale-orders.js';
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

/**
 * The read-only fields the connector adds to `sale.order` (sale-orders.ts): `invoices` (an object,
 * so a mapping path `invoices.amount_paid` checks against it) and each of its members.
 */
const ORDER_VIRTUAL_FIELDS: readonly FieldDescription[] = [
  { name: 'invoices', label: 'Invoice aggregates (Tandem)', type: 'other', readOnly: true },
  ...INVOICE_AGGREGATES.map((f) => ({ name: `invoices.${f.name}`, label: f.label, type: f.type, readOnly: true })),
];

/**
 * Fields Odoo marks read-only that the connector writes through the model's own actions:
 * `sale.order.state` set to `cancel` is `action_cancel` (sale-order-writes.ts), the value an
 * `onLeave.cancel` writes.
 */
function writtenThroughActions(object: string, field: string): boolean {
  return object === SALE_ORDER && field === 'state';
}

export function createDescriber(rpc: OdooRpc): SchemaDescriber {
  return {
    async describe(object: string): Promise<ObjectDescription> {
      const fields = await rpc.execute(
        {
          model: object,
          method: 'fields_get',
          args: [],
          kwargs: { attributes: ['string', 'type', 'readonly', 'required', 'relation', 'selection'] },
          schema: fieldsGetSchema,
        },
        { readOnly: true },
      );
      const described: FieldDescription[] = Object.entries(fields)
        .map(([name, field]): FieldDescription => ({
          name,
          label: field.string,
          type: TYPES[field.type] ?? 'other',
          readOnly: field.readonly === true && !writtenThroughActions(object, name),
          ...(field.type === 'selection' && field.selection !== undefined && field.selection.length > 0
            ? { options: field.selection.map(([value]) => String(value)) }
            : {}),
        }))
        .concat(object === SALE_ORDER ? ORDER_VIRTUAL_FIELDS : [])
        .sort((a, b) => a.name.localeCompare(b.name));
      return { name: object, fields: described };
    },
  };
}
