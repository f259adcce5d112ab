/**
 * Field definitions of Odoo 17.0's invoices, journal items and payments (addons/account/models/
 * account_move.py, account_move_line.py, account_payment.py), reduced to the customer invoices a
 * sales order makes and the payments registered on them.
 */
import { fieldMap, stored, type ModelDef } from './fields.js';
import { computedMoney, LOG_ACCESS, virtual } from './sales-fields.js';

export const ACCOUNT_MOVE: ModelDef = {
  name: 'account.move',
  description: 'Journal Entry',
  table: 'account_move',
  defaultOrder: 'date desc, name desc, id desc',
  hasActive: false,
  writable: true,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Number', { readonly: true, computed: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('move_type', 'selection', 'Type', {
      required: true,
      selection: [
        ['entry', 'Journal Entry'],
        ['out_invoice', 'Customer Invoice'],
        ['out_refund', 'Customer Credit Note'],
        ['in_invoice', 'Vendor Bill'],
        ['in_refund', 'Vendor Credit Note'],
        ['out_receipt', 'Sales Receipt'],
        ['in_receipt', 'Purchase Receipt'],
      ],
    }),
    stored('state', 'selection', 'Status', {
      readonly: true,
      selection: [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
    }),
    stored('payment_state', 'selection', 'Payment Status', {
      readonly: true,
      computed: true,
      selection: [
        ['not_paid', 'Not Paid'],
        ['in_payment', 'In Payment'],
        ['paid', 'Paid'],
        ['partial', 'Partially Paid'],
        ['reversed', 'Reversed'],
        ['invoicing_legacy', 'Invoicing App Legacy'],
      ],
    }),
    stored('partner_id', 'many2one', 'Partner', { relation: 'res.partner' }),
    stored('currency_id', 'many2one', 'Currency', { relation: 'res.currency', required: true }),
    stored('ref', 'char', 'Reference'),
    stored('invoice_origin', 'char', 'Origin', {
      help: 'The document(s) that generated the invoice.',
    }),
    stored('date', 'date', 'Date', { required: true }),
    stored('invoice_date', 'date', 'Invoice/Bill Date'),
    stored('invoice_date_due', 'date', 'Due Date'),
    virtual('invoice_line_ids', 'one2many', 'Invoice lines', { readonly: false, relation: 'account.move.line' }),
    computedMoney('amount_untaxed', 'Untaxed Amount'),
    computedMoney('amount_tax', 'Tax'),
    computedMoney('amount_total', 'Total'),
    computedMoney('amount_residual', 'Amount Due'),
    // Odoo 17's JSON widget of the payments reconciled with a posted invoice (`_compute_payments_widget_reconciled_info`).
    virtual('invoice_payments_widget', 'binary', 'Invoice Payments Widget'),
    ...LOG_ACCESS,
  ]),
};

export const ACCOUNT_MOVE_LINE: ModelDef = {
  name: 'account.move.line',
  description: 'Journal Item',
  table: 'account_move_line',
  defaultOrder: 'date desc, move_name desc, id asc',
  hasActive: false,
  writable: true,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('move_id', 'many2one', 'Journal Entry', { relation: 'account.move', required: true }),
    stored('move_name', 'char', 'Number', { readonly: true, computed: true }),
    stored('date', 'date', 'Date', { readonly: true, computed: true }),
    stored('sequence', 'integer', 'Sequence'),
    stored('product_id', 'many2one', 'Product', { relation: 'product.product' }),
    stored('name', 'char', 'Label'),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('quantity', 'float', 'Quantity', { digits: 2 }),
    stored('price_unit', 'float', 'Unit Price', { digits: 2 }),
    stored('discount', 'float', 'Discount (%)', { digits: 2 }),
    computedMoney('price_subtotal', 'Subtotal'),
    computedMoney('price_total', 'Total'),
    // Odoo's sale_line_ids is a many2many; one invoice line comes from one order line here.
    stored('sale_line_ids', 'many2many', 'Sales Order Lines', { relation: 'sale.order.line', column: 'sale_line_id' }),
    stored('currency_id', 'many2one', 'Currency', { relation: 'res.currency', readonly: true, computed: true }),
    ...LOG_ACCESS,
  ]),
};

export const ACCOUNT_PAYMENT: ModelDef = {
  name: 'account.payment',
  description: 'Payments',
  table: 'account_payment',
  defaultOrder: 'date desc, name desc, id desc',
  hasActive: false,
  writable: false,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Number', { readonly: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('payment_type', 'selection', 'Payment Type', {
      selection: [
        ['outbound', 'Send'],
        ['inbound', 'Receive'],
      ],
    }),
    stored('partner_id', 'many2one', 'Customer/Vendor', { relation: 'res.partner' }),
    stored('amount', 'monetary', 'Amount'),
    stored('currency_id', 'many2one', 'Currency', { relation: 'res.currency' }),
    stored('date', 'date', 'Date'),
    stored('ref', 'char', 'Memo'),
    stored('state', 'selection', 'Status', {
      selection: [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
    }),
    // Odoo's reconciled_invoice_ids is computed from the reconciliation; one invoice per payment here.
    stored('reconciled_invoice_ids', 'many2many', 'Reconciled Invoices', {
      relation: 'account.move',
      column: 'invoice_id',
      readonly: true,
    }),
    ...LOG_ACCESS,
  ]),
};
