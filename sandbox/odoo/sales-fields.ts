/**
 * Field definitions of the currencies, products and sales orders, as Odoo 17.0 defines them
 * (addons/product/models/product_product.py, addons/sale/models/sale_order.py and
 * sale_order_line.py, odoo/addons/base/models/res_currency.py), reduced to what a CRM integration
 * reads and writes. Labels are Odoo's; the accounting models are in account-fields.ts, the
 * pricelists in pricelist.ts.
 */
import { pyRepr, valueError } from './errors.js';
import { fieldMap, stored, type FieldDef, type ModelDef } from './fields.js';

export const LOG_ACCESS: readonly FieldDef[] = [
  stored('create_date', 'datetime', 'Created on', { readonly: true }),
  stored('write_date', 'datetime', 'Last Updated on', { readonly: true }),
];

export const computedMoney = (name: string, string: string): FieldDef =>
  stored(name, 'monetary', string, { readonly: true, computed: true });

/** Not stored: read through the model's rules, not searchable. */
export const virtual = (
  name: string,
  type: FieldDef['type'],
  string: string,
  extra: Partial<FieldDef> = {},
): FieldDef => ({
  name,
  type,
  string,
  readonly: true,
  ...extra,
});

export const CURRENCY: ModelDef = {
  name: 'res.currency',
  description: 'Currency',
  table: 'res_currency',
  defaultOrder: 'active desc, name asc, id asc',
  hasActive: true,
  writable: true,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Currency', { required: true, help: 'Currency Code (ISO 4217)' }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('full_name', 'char', 'Name'),
    stored('symbol', 'char', 'Symbol', { required: true }),
    stored('rounding', 'float', 'Rounding Factor', { digits: 6 }),
    virtual('decimal_places', 'integer', 'Decimal Places'),
    // res.currency.rate is not modelled: `rate` (non-stored in Odoo) is kept on the currency.
    stored('rate', 'float', 'Current Rate', {
      readonly: true,
      help: 'The rate of the currency to the currency of rate 1.',
    }),
    stored('position', 'selection', 'Symbol Position', {
      selection: [
        ['after', 'After Amount'],
        ['before', 'Before Amount'],
      ],
    }),
    stored('active', 'boolean', 'Active'),
    ...LOG_ACCESS,
  ]),
};

export const PRODUCT: ModelDef = {
  name: 'product.product',
  description: 'Product Variant',
  table: 'product_product',
  defaultOrder: 'default_code asc, name asc, id asc',
  hasActive: true,
  writable: true,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Name', { required: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('default_code', 'char', 'Internal Reference'),
    stored('type', 'selection', 'Product Type', {
      selection: [
        ['consu', 'Consumable'],
        ['service', 'Service'],
      ],
    }),
    stored('list_price', 'float', 'Sales Price', {
      digits: 2,
      help: 'Price at which the product is sold to customers.',
    }),
    // product.product's lst_price: computed from the template's list_price, and its inverse writes it.
    { ...stored('lst_price', 'float', 'Sales Price', { digits: 2 }), column: 'list_price' },
    stored('sale_ok', 'boolean', 'Can be Sold'),
    stored('invoice_policy', 'selection', 'Invoicing Policy', {
      selection: [
        ['order', 'Ordered quantities'],
        ['delivery', 'Delivered quantities'],
      ],
    }),
    stored('description_sale', 'text', 'Sales Description'),
    stored('active', 'boolean', 'Active'),
    ...LOG_ACCESS,
  ]),
};

export const SALE_ORDER_STATES = [
  ['draft', 'Quotation'],
  ['sent', 'Quotation Sent'],
  ['sale', 'Sales Order'],
  ['cancel', 'Cancelled'],
] as const;

const INVOICE_STATUS = [
  ['upselling', 'Upselling Opportunity'],
  ['invoiced', 'Fully Invoiced'],
  ['to invoice', 'To Invoice'],
  ['no', 'Nothing to Invoice'],
] as const;

/**
 * `sale.order._search_invoice_ids` (non-stored `invoice_ids`, searchable): its `in` form, the orders
 * with a line invoiced on one of the given customer invoices or credit notes. Odoo's other forms
 * (`= False`, and the generic `order_line.invoice_lines.move_id` path) are not modelled.
 */
function searchInvoiceIds(operator: string, value: unknown, params: unknown[]): string {
  if (operator !== 'in' || !Array.isArray(value))
    throw valueError(`The sandbox models only ('invoice_ids', 'in', [ids]) on sale.order, not ${pyRepr(operator)}`);
  const ids = value.filter((id): id is number => typeof id === 'number' && Number.isInteger(id));
  if (ids.length !== value.length) throw valueError(`Invalid value ${pyRepr(value)} for field invoice_ids`);
  if (ids.length === 0) return '1=0';
  params.push(...ids);
  return `"id" IN (SELECT s.order_id FROM sale_order_line s JOIN account_move_line l ON l.sale_line_id = s.id
    JOIN account_move m ON m.id = l.move_id
    WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.id IN (${ids.map(() => '?').join(', ')}))`;
}

export const SALE_ORDER: ModelDef = {
  name: 'sale.order',
  description: 'Sales Order',
  table: 'sale_order',
  defaultOrder: 'date_order desc, id desc',
  hasActive: false,
  writable: true,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Order Reference', { required: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('partner_id', 'many2one', 'Customer', { relation: 'res.partner', required: true }),
    stored('client_order_ref', 'char', 'Customer Reference'),
    stored('origin', 'char', 'Source Document', {
      help: 'Reference of the document that generated this sales order request',
    }),
    stored('date_order', 'datetime', 'Order Date', {
      required: true,
      help: 'Creation date of draft/sent orders,\nConfirmation date of confirmed orders.',
    }),
    stored('state', 'selection', 'Status', { readonly: true, selection: SALE_ORDER_STATES }),
    stored('locked', 'boolean', 'Locked', { help: 'Locked orders cannot be modified.' }),
    stored('pricelist_id', 'many2one', 'Pricelist', {
      relation: 'product.pricelist',
      help: 'If you change the pricelist, only newly added lines will be affected.',
    }),
    // Computed from the pricelist (pricelist.ts), so read-only in fields_get; the ORM still stores a
    // value a client writes (Odoo does not enforce `readonly` over RPC).
    stored('currency_id', 'many2one', 'Currency', { relation: 'res.currency', readonly: true }),
    virtual('order_line', 'one2many', 'Order Lines', { readonly: false, relation: 'sale.order.line' }),
    computedMoney('amount_untaxed', 'Untaxed Amount'),
    computedMoney('amount_tax', 'Taxes'),
    computedMoney('amount_total', 'Total'),
    computedMoney('amount_to_invoice', 'Amount to invoice'),
    virtual('amount_invoiced', 'monetary', 'Already invoiced'),
    stored('invoice_status', 'selection', 'Invoice Status', {
      readonly: true,
      computed: true,
      selection: INVOICE_STATUS,
    }),
    virtual('invoice_ids', 'many2many', 'Invoices', { relation: 'account.move', search: searchInvoiceIds }),
    virtual('invoice_count', 'integer', 'Invoice Count'),
    stored('note', 'text', 'Terms and conditions'),
    ...LOG_ACCESS,
  ]),
};

export const SALE_ORDER_LINE: ModelDef = {
  name: 'sale.order.line',
  description: 'Sales Order Line',
  table: 'sale_order_line',
  defaultOrder: 'order_id asc, sequence asc, id asc',
  hasActive: false,
  writable: true,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('order_id', 'many2one', 'Order Reference', { relation: 'sale.order', required: true }),
    stored('sequence', 'integer', 'Sequence'),
    stored('product_id', 'many2one', 'Product', { relation: 'product.product' }),
    stored('name', 'text', 'Description', { required: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('product_uom_qty', 'float', 'Quantity', { digits: 2 }),
    stored('price_unit', 'float', 'Unit Price', { digits: 2 }),
    stored('discount', 'float', 'Discount (%)', { digits: 2 }),
    computedMoney('price_subtotal', 'Subtotal'),
    computedMoney('price_tax', 'Total Tax'),
    computedMoney('price_total', 'Total'),
    stored('currency_id', 'many2one', 'Currency', { relation: 'res.currency', readonly: true, computed: true }),
    stored('state', 'selection', 'Order Status', {
      readonly: true,
      computed: true,
      selection: SALE_ORDER_STATES,
    }),
    stored('qty_invoiced', 'float', 'Invoiced Quantity', { readonly: true, computed: true }),
    stored('qty_to_invoice', 'float', 'Quantity To Invoice', { readonly: true, computed: true }),
    stored('invoice_status', 'selection', 'Invoice Status', {
      readonly: true,
      computed: true,
      selection: INVOICE_STATUS,
    }),
    ...LOG_ACCESS,
  ]),
};
