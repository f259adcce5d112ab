/**
 * A write of `sale.sale` as Tryton takes it (the analogue of docs/odoo-sale-orders.md's Odoo
 * writes):
 *
 * - `lines`: an array of `{ product, quantity, unit_price, description? }`. On create, one
 *   `["create", [vals, ...]]` action. On update, the lines are replaced by key, the product: the
 *   n-th line of a product pairs with the sale's n-th line of that product (by sequence, id);
 *   `["write", [id], vals]` for a changed one, `["create", [...]]` for the new ones,
 *   `["delete", [ids]]` for the sale's lines left over, nothing when all are equal. Only lines of
 *   type `line` are touched (titles, comments and subtotals stay). A new line gets the product's
 *   sale unit (`sale_uom`), which Tryton requires and its client fills from the product.
 * - `state: 'cancelled'`: the sale's `cancel` button, after the other values; only from draft or
 *   quotation (Tryton's own transitions); an already cancelled sale is left as it is.
 * - Changing the lines of a sale that is not a draft, or cancelling one past quotation, fails
 *   unwritten with ORDER_LOCKED, not retryable: Tryton would refuse it, or it needs a person.
 */
import { LINES, type SaleLine } from './sale.js';
import type { SaleParties } from './sale-party.js';
import { sameDecimal, toTrytonDecimal } from './values.js';

export const ORDER_LOCKED = 'ORDER_LOCKED';

/** What a write must know of the sale it changes. */
export interface CurrentSale extends Partial<SaleParties> {
  readonly state: string;
  readonly lines: readonly SaleLine[];
}

/** A write the sale's state forbids (code {@link ORDER_LOCKED}). */
export class SaleLockedError extends Error {}

/** A line as the payload gives it, checked. */
interface WantedLine {
  readonly product: number;
  readonly quantity: number;
  readonly unit_price: number | string;
  readonly description?: string | null;
}

type Action = readonly unknown[];
type Vals = Record<string, unknown>;

const where = (index: number): string => `sale.sale lines[${index}]`;

function wantedLine(value: unknown, index: number): WantedLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RangeError(`${where(index)}: expected an object { product, quantity, unit_price, description? }`);
  const line = value as Readonly<Record<string, unknown>>;
  const product = typeof line['product'] === 'string' ? Number(line['product']) : line['product'];
  if (typeof product !== 'number' || !Number.isInteger(product) || product <= 0)
    throw new RangeError(
      `${where(index)}: product must be a Tryton product id, got ${JSON.stringify(line['product'])}`,
    );
  const quantity = typeof line['quantity'] === 'string' ? Number(line['quantity']) : line['quantity'];
  if (typeof quantity !== 'number' || !Number.isFinite(quantity))
    throw new RangeError(`${where(index)}: quantity must be a number, got ${JSON.stringify(line['quantity'])}`);
  const price = line['unit_price'];
  if (typeof price !== 'number' && typeof price !== 'string')
    throw new RangeError(`${where(index)}: unit_price must be a decimal number, got ${JSON.stringify(price)}`);
  toTrytonDecimal(price); // throws a RangeError for text that is not a decimal number
  // Tryton 6.0's sale.line has no discount (that is the sale_discount module, not installed): a
  // discount other than zero would be lost, so it is refused rather than dropped.
  const discount = line['discount'];
  if (
    discount !== undefined &&
    discount !== null &&
    !sameDecimal(typeof discount === 'number' ? discount : String(discount), 0)
  )
    throw new RangeError(
      `${where(index)}: Tryton's sale lines have no discount; got ${JSON.stringify(discount)} (put it in the price)`,
    );
  const description = line['description'];
  if (description !== undefined && description !== null && typeof description !== 'string')
    throw new RangeError(`${where(index)}: description must be text`);
  return { product, quantity, unit_price: price, ...(description === undefined ? {} : { description }) };
}

/** The payload's `lines`, checked; a RangeError names the line and what is wrong. */
export function wantedLines(value: unknown): WantedLine[] {
  if (!Array.isArray(value)) throw new RangeError(`sale.sale lines: expected an array, got ${JSON.stringify(value)}`);
  return value.map(wantedLine);
}

/** The values of a line Tryton creates: type, product, its sale unit, quantity, price, description. */
function newLine(line: WantedLine, index: number, units: ReadonlyMap<number, number>): Vals {
  const unit = units.get(line.product);
  if (unit === undefined)
    throw new RangeError(`${where(index)}: Tryton has no product ${line.product} with a sale unit`);
  return {
    type: 'line',
    product: line.product,
    unit,
    quantity: line.quantity,
    unit_price: toTrytonDecimal(line.unit_price),
    ...(line.description === undefined ? {} : { description: line.description }),
  };
}

/** The changes of a paired line, empty when equal. */
function lineChanges(now: SaleLine, line: WantedLine): Vals {
  const vals: Vals = {};
  if (now.quantity !== line.quantity) vals['quantity'] = line.quantity;
  if (!sameDecimal(now.unit_price, line.unit_price)) vals['unit_price'] = toTrytonDecimal(line.unit_price);
  if (line.description !== undefined && (line.description ?? null) !== now.description)
    vals['description'] = line.description;
  return vals;
}

/** One2many actions that turn the sale's lines into `wanted` (see the module doc); empty when equal. */
export function lineActions(
  current: readonly SaleLine[],
  wanted: readonly WantedLine[],
  units: ReadonlyMap<number, number>,
): Action[] {
  const byProduct = new Map<number | null, SaleLine[]>();
  for (const line of current) byProduct.set(line.product, [...(byProduct.get(line.product) ?? []), line]);
  const actions: Action[] = [];
  const created: Vals[] = [];
  wanted.forEach((line, index) => {
    const now = byProduct.get(line.product)?.shift();
    if (now === undefined) created.push(newLine(line, index, units));
    else {
      const changes = lineChanges(now, line);
      if (Object.keys(changes).length > 0) actions.push(['write', [now.id], changes]);
    }
  });
  if (created.length > 0) actions.push(['create', created]);
  const gone = [...byProduct.values()].flat().map((l) => l.id);
  if (gone.length > 0) actions.push(['delete', gone]);
  return actions;
}

/** True when the payload cancels the sale; throws for a state it cannot write. */
function cancels(
  fields: Readonly<Record<string, unknown>>,
  current: CurrentSale | undefined,
  id: number | null,
): boolean {
  if (!('state' in fields)) return false;
  const state = fields['state'];
  if (state !== 'cancelled')
    throw new RangeError(
      `sale.sale state: only 'cancelled' can be written (the cancel button), got ${JSON.stringify(state)}`,
    );
  if (current === undefined) throw new RangeError('sale.sale state: a new sale cannot be created cancelled');
  if (current.state === 'cancelled') return false;
  if (current.state === 'draft' || current.state === 'quotation') return true;
  throw new SaleLockedError(`sale.sale ${id ?? ''} is ${current.state}: only a draft or quotation can be cancelled`);
}

/**
 * The values of a sale's `create` (without `current`) or `write`, and whether the `cancel` button
 * follows. Throws RangeError for bad input, SaleLockedError for lines of a sale past draft.
 */
export function saleValues(
  fields: Readonly<Record<string, unknown>>,
  current: CurrentSale | undefined,
  id: number | null,
  units: ReadonlyMap<number, number>,
): { vals: Vals; cancel: boolean } {
  const vals: Vals = {};
  for (const [field, value] of Object.entries(fields)) if (field !== LINES && field !== 'state') vals[field] = value;
  const cancel = cancels(fields, current, id);
  if (LINES in fields) {
    const wanted = wantedLines(fields[LINES]);
    if (current === undefined) {
      if (wanted.length > 0) vals[LINES] = [['create', wanted.map((line, i) => newLine(line, i, units))]];
    } else {
      const actions = lineActions(current.lines, wanted, units);
      if (actions.length > 0 && current.state !== 'draft')
        throw new SaleLockedError(
          `sale.sale ${id ?? ''} is ${current.state}: its lines change only while it is a draft`,
        );
      if (actions.length > 0) vals[LINES] = actions;
    }
  }
  return { vals, cancel };
}

/** The products a batch's sale lines name, for their sale units. */
export function linedProducts(fieldsOfOps: ReadonlyArray<Readonly<Record<string, unknown>>>): number[] {
  const ids = new Set<number>();
  for (const fields of fieldsOfOps) {
    const lines = fields[LINES];
    if (!Array.isArray(lines)) continue;
    for (const line of lines as unknown[]) {
      const product =
        typeof line === 'object' && line !== null ? (line as Record<string, unknown>)['product'] : undefined;
      const id = typeof product === 'string' ? Number(product) : product;
      if (typeof id === 'number' && Number.isInteger(id) && id > 0) ids.add(id);
    }
  }
  return [...ids];
}
