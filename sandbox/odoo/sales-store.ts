/**
 * The quote-to-cash tables of the Odoo sandbox (the company, currencies, pricelists, products,
 * orders and their lines, invoices and their lines, payments) and `ir.sequence`'s numbering: `S00001` for orders,
 * `INV/2026/00001` for invoices, `PBNK1/2026/00001` for payments (Odoo 17's defaults on a fresh
 * database: the `sale.order` sequence, the INV sales journal and the BNK1 bank journal).
 */
import type { Db } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS res_currency (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, full_name TEXT, symbol TEXT NOT NULL,
  rounding REAL NOT NULL, rate REAL NOT NULL DEFAULT 1, position TEXT NOT NULL DEFAULT 'after',
  active INTEGER NOT NULL DEFAULT 1, create_date TEXT NOT NULL, write_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS res_company (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, sequence INTEGER NOT NULL DEFAULT 10,
  currency_id INTEGER NOT NULL REFERENCES res_currency(id)
);
CREATE TABLE IF NOT EXISTS product_pricelist (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
  sequence INTEGER NOT NULL DEFAULT 16, currency_id INTEGER NOT NULL REFERENCES res_currency(id),
  company_id INTEGER REFERENCES res_company(id), create_date TEXT NOT NULL, write_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS product_product (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, default_code TEXT,
  type TEXT NOT NULL DEFAULT 'consu', list_price REAL NOT NULL DEFAULT 0, sale_ok INTEGER NOT NULL DEFAULT 1,
  invoice_policy TEXT NOT NULL DEFAULT 'order', description_sale TEXT, active INTEGER NOT NULL DEFAULT 1,
  create_date TEXT NOT NULL, write_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS product_product_default_code ON product_product (default_code);
CREATE TABLE IF NOT EXISTS sale_order (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
  partner_id INTEGER NOT NULL REFERENCES res_partner(id), client_order_ref TEXT, origin TEXT,
  date_order TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'draft', locked INTEGER NOT NULL DEFAULT 0,
  pricelist_id INTEGER REFERENCES product_pricelist(id) ON DELETE SET NULL,
  currency_id INTEGER NOT NULL REFERENCES res_currency(id), note TEXT,
  amount_untaxed REAL NOT NULL DEFAULT 0, amount_tax REAL NOT NULL DEFAULT 0, amount_total REAL NOT NULL DEFAULT 0,
  amount_to_invoice REAL NOT NULL DEFAULT 0, invoice_status TEXT NOT NULL DEFAULT 'no',
  create_date TEXT NOT NULL, write_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sale_order_write_date_id ON sale_order (write_date, id);
CREATE INDEX IF NOT EXISTS sale_order_client_order_ref ON sale_order (client_order_ref);
CREATE TABLE IF NOT EXISTS sale_order_line (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id INTEGER NOT NULL REFERENCES sale_order(id) ON DELETE CASCADE, sequence INTEGER NOT NULL DEFAULT 10,
  product_id INTEGER REFERENCES product_product(id), name TEXT NOT NULL,
  product_uom_qty REAL NOT NULL DEFAULT 1, price_unit REAL NOT NULL DEFAULT 0, discount REAL NOT NULL DEFAULT 0,
  price_subtotal REAL NOT NULL DEFAULT 0, price_tax REAL NOT NULL DEFAULT 0, price_total REAL NOT NULL DEFAULT 0,
  currency_id INTEGER REFERENCES res_currency(id), state TEXT,
  qty_invoiced REAL NOT NULL DEFAULT 0, qty_to_invoice REAL NOT NULL DEFAULT 0,
  invoice_status TEXT NOT NULL DEFAULT 'no', create_date TEXT NOT NULL, write_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sale_order_line_order ON sale_order_line (order_id);
CREATE TABLE IF NOT EXISTS account_move (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL DEFAULT '/',
  move_type TEXT NOT NULL DEFAULT 'entry', state TEXT NOT NULL DEFAULT 'draft',
  payment_state TEXT NOT NULL DEFAULT 'not_paid', partner_id INTEGER REFERENCES res_partner(id),
  currency_id INTEGER NOT NULL REFERENCES res_currency(id), ref TEXT, invoice_origin TEXT,
  date TEXT NOT NULL, invoice_date TEXT, invoice_date_due TEXT,
  amount_untaxed REAL NOT NULL DEFAULT 0, amount_tax REAL NOT NULL DEFAULT 0, amount_total REAL NOT NULL DEFAULT 0,
  amount_residual REAL NOT NULL DEFAULT 0, create_date TEXT NOT NULL, write_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS account_move_write_date_id ON account_move (write_date, id);
CREATE INDEX IF NOT EXISTS account_move_invoice_origin ON account_move (invoice_origin);
CREATE TABLE IF NOT EXISTS account_move_line (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  move_id INTEGER NOT NULL REFERENCES account_move(id) ON DELETE CASCADE, move_name TEXT, date TEXT,
  sequence INTEGER NOT NULL DEFAULT 10, product_id INTEGER REFERENCES product_product(id), name TEXT,
  quantity REAL NOT NULL DEFAULT 1, price_unit REAL NOT NULL DEFAULT 0, discount REAL NOT NULL DEFAULT 0,
  price_subtotal REAL NOT NULL DEFAULT 0, price_total REAL NOT NULL DEFAULT 0,
  sale_line_id INTEGER REFERENCES sale_order_line(id) ON DELETE SET NULL, currency_id INTEGER REFERENCES res_currency(id),
  create_date TEXT NOT NULL, write_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS account_move_line_move ON account_move_line (move_id);
CREATE INDEX IF NOT EXISTS account_move_line_sale_line ON account_move_line (sale_line_id);
CREATE TABLE IF NOT EXISTS account_payment (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, payment_type TEXT NOT NULL DEFAULT 'inbound',
  partner_id INTEGER REFERENCES res_partner(id), amount REAL NOT NULL, currency_id INTEGER NOT NULL REFERENCES res_currency(id),
  date TEXT NOT NULL, ref TEXT, state TEXT NOT NULL DEFAULT 'posted',
  invoice_id INTEGER REFERENCES account_move(id) ON DELETE SET NULL,
  reconciled REAL NOT NULL DEFAULT 0, create_date TEXT NOT NULL, write_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS account_payment_invoice ON account_payment (invoice_id);
CREATE TABLE IF NOT EXISTS ir_sequence (code TEXT PRIMARY KEY, next INTEGER NOT NULL);
`;

/**
 * The currencies of a fresh database with the sales apps: EUR is the company's; USD, GBP, CHF,
 * SEK and JPY (rounding 1) are active; DKK exists but is inactive, as most of Odoo's 170 are.
 * Rates are to EUR (`rate` of EUR is 1).
 */
const CURRENCIES: ReadonlyArray<
  readonly [
    name: string,
    fullName: string,
    symbol: string,
    rounding: number,
    rate: number,
    position: string,
    active: 0 | 1,
  ]
> = [
  ['EUR', 'Euro', '€', 0.01, 1, 'after', 1],
  ['USD', 'United States dollar', '$', 0.01, 1.08, 'before', 1],
  ['GBP', 'Pound sterling', '£', 0.01, 0.86, 'before', 1],
  ['CHF', 'Swiss franc', 'CHF', 0.01, 0.95, 'after', 1],
  ['SEK', 'Swedish krona', 'kr', 0.01, 11.5, 'after', 1],
  ['JPY', 'Japanese yen', '¥', 1, 162, 'before', 1],
  ['DKK', 'Danish krone', 'kr', 0.01, 7.46, 'after', 0],
];

/** The company's currency (res.company.currency_id): every amount without another currency is in it. */
export const COMPANY_CURRENCY = 'EUR';

/** The sandbox's one company (id 1): every order and pricelist without another company belongs to it. */
export const COMPANY_ID = 1;

/**
 * The seeded pricelists: one per currency the seeded orders use, the company's first (by
 * sequence) in its own currency, so a new order without a pricelist gets "Public Pricelist" (EUR).
 * Names are the sandbox's; Odoo's data file names the first one "Public Pricelist" up to 16.0.
 */
const PRICELISTS: ReadonlyArray<readonly [name: string, currency: string, sequence: number]> = [
  ['Public Pricelist', 'EUR', 10],
  ['USD Customers', 'USD', 20],
  ['UK Customers', 'GBP', 30],
];

function seedCompanyAndPricelists(db: Db, stamp: string): void {
  const currency = (code: string): number =>
    (db.prepare('SELECT id FROM res_currency WHERE name = ?').get(code) as { id: number }).id;
  if (db.prepare('SELECT 1 FROM res_company').get() === undefined)
    db.prepare('INSERT INTO res_company (id, name, currency_id) VALUES (?, ?, ?)').run(
      COMPANY_ID,
      'Tandem Demo GmbH',
      currency(COMPANY_CURRENCY),
    );
  if (db.prepare('SELECT 1 FROM product_pricelist').get() !== undefined) return;
  const insert = db.prepare(
    'INSERT INTO product_pricelist (name, sequence, currency_id, company_id, create_date, write_date) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const [name, code, sequence] of PRICELISTS) insert.run(name, sequence, currency(code), COMPANY_ID, stamp, stamp);
}

/** A store made before pricelists were modelled gets the column its orders now need. */
function addPricelistColumn(db: Db): void {
  const columns = db.prepare(`SELECT name FROM pragma_table_info('sale_order')`).all() as Array<{ name: string }>;
  if (!columns.some((c) => c.name === 'pricelist_id'))
    db.exec(
      'ALTER TABLE sale_order ADD COLUMN pricelist_id INTEGER REFERENCES product_pricelist(id) ON DELETE SET NULL',
    );
}

/** Creates the tables, the currencies, the company and its pricelists; `stamp` dates them. */
export function installSalesSchema(db: Db, stamp: string): void {
  db.exec(SCHEMA);
  addPricelistColumn(db);
  db.transaction(() => {
    const count = db.prepare('SELECT COUNT(*) AS n FROM res_currency').get() as { n: number };
    if (count.n === 0) {
      const insert = db.prepare(
        'INSERT INTO res_currency (id, name, full_name, symbol, rounding, rate, position, active, create_date, write_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      CURRENCIES.forEach((row, i) => insert.run(i + 1, ...row, stamp, stamp));
    }
    seedCompanyAndPricelists(db, stamp);
  })();
}

/** The next number of an `ir.sequence` (`code`), never reused, as PostgreSQL sequences are not. */
export function nextNumber(db: Db, code: string): number {
  const row = db
    .prepare(
      'INSERT INTO ir_sequence (code, next) VALUES (?, 2) ON CONFLICT(code) DO UPDATE SET next = next + 1 RETURNING next',
    )
    .get(code) as { next: number };
  return row.next - 1;
}

/** The company currency's id (`res.company.currency_id`). */
export function companyCurrencyId(db: Db): number {
  const row = db.prepare('SELECT currency_id AS id FROM res_company WHERE id = ?').get(COMPANY_ID) as
    { id: number } | undefined;
  if (row === undefined) throw new Error('the sandbox has no company');
  return row.id;
}
