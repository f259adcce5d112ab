/**
 * Field definitions of the sandbox's models, in the shape `fields_get` reports them. A field
 * with a `column` is stored in SQLite; `display_name` is computed.
 */

export type FieldType =
  | 'integer'
  | 'float'
  | 'monetary'
  | 'char'
  | 'text'
  | 'boolean'
  | 'selection'
  | 'date'
  | 'datetime'
  | 'many2one'
  | 'one2many'
  | 'many2many'
  | 'binary';

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  /** The label (`string` in `fields_get`). */
  readonly string: string;
  readonly required?: boolean;
  readonly readonly?: boolean;
  /** The comodel of a many2one. */
  readonly relation?: string;
  /** Stored in this SQLite column; absent for computed fields. */
  readonly column?: string;
  readonly help?: string;
  /** A selection's `[value, label]` pairs. */
  readonly selection?: ReadonlyArray<readonly [string, string]>;
  /** Stored but computed by the model (amounts, states): a client's value is ignored, as `display_name` is. */
  readonly computed?: boolean;
  /** A float's decimal precision (Odoo's `digits`): values are rounded half-up to it on write. */
  readonly digits?: number;
  /**
   * A non-stored field's `search` method: the SQL condition on the model's rows for one domain leaf
   * (parameters pushed onto `params`). Without it, a non-stored field cannot be searched.
   */
  readonly search?: (operator: string, value: unknown, params: unknown[]) => string;
}

export interface ModelDef {
  readonly name: string;
  readonly description: string;
  readonly table: string;
  readonly fields: ReadonlyMap<string, FieldDef>;
  /** Odoo's `_order`, used when a search gives none. */
  readonly defaultOrder: string;
  /** The model has an `active` field (archiving) and honours `active_test`. */
  readonly hasActive: boolean;
  readonly writable: boolean;
}

export function fieldMap(defs: readonly FieldDef[]): ReadonlyMap<string, FieldDef> {
  return new Map(defs.map((def) => [def.name, def]));
}

export const stored = (name: string, type: FieldType, string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type,
  string,
  column: name,
  ...extra,
});

export const PARTNER: ModelDef = {
  name: 'res.partner',
  description: 'Contact',
  table: 'res_partner',
  defaultOrder: 'name asc, id desc',
  hasActive: true,
  writable: true,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Name', { required: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('email', 'char', 'Email'),
    stored('phone', 'char', 'Phone'),
    stored('mobile', 'char', 'Mobile'),
    stored('street', 'char', 'Street'),
    stored('street2', 'char', 'Street2'),
    stored('city', 'char', 'City'),
    stored('zip', 'char', 'Zip'),
    stored('country_id', 'many2one', 'Country', { relation: 'res.country' }),
    stored('vat', 'char', 'Tax ID', { help: 'The Tax Identification Number.' }),
    stored('ref', 'char', 'Reference'),
    stored('function', 'char', 'Job Position'),
    stored('is_company', 'boolean', 'Is a Company', {
      help: 'Check if the contact is a company, otherwise it is a person',
    }),
    stored('parent_id', 'many2one', 'Related Company', { relation: 'res.partner' }),
    stored('company_name', 'char', 'Company Name'),
    stored('active', 'boolean', 'Active'),
    stored('comment', 'text', 'Notes'),
    stored('create_date', 'datetime', 'Created on', { readonly: true }),
    stored('write_date', 'datetime', 'Last Updated on', { readonly: true }),
  ]),
};

export const COUNTRY: ModelDef = {
  name: 'res.country',
  description: 'Country',
  table: 'res_country',
  defaultOrder: 'name asc, id asc',
  hasActive: false,
  writable: false,
  fields: fieldMap([
    stored('id', 'integer', 'ID', { readonly: true }),
    stored('name', 'char', 'Country Name', { required: true }),
    { name: 'display_name', type: 'char', string: 'Display Name', readonly: true },
    stored('code', 'char', 'Country Code', { help: 'The ISO country code in two chars.' }),
  ]),
};

/** Odoo's LOG_ACCESS_COLUMNS and other fields a client cannot set; Odoo ignores them on create/write. */
export const PROTECTED_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'display_name',
  'create_date',
  'write_date',
  'create_uid',
  'write_uid',
]);
