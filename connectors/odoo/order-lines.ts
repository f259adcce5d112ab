/**
 * A sales order's lines as Tandem reads and writes them, and the x2many commands that turn the
 * current lines into the wanted ones (odoo/fields.py `Command`: `[0, 0, vals]` create,
 * `[1, id, vals]` update, `[2, id]` delete). Pure: no calls.
 *
 * Replace by key: the key of a line is its product; the n-th wanted line of a product pairs with
 * the n-th current line of that product (current lines in (sequence, id) order). A pair that
 * differs is updated with the fields that differ, a wanted line without a pair is created, a
 * current line without a pair is deleted, and equal pairs send nothing. Numbers compare as exact
 * decimals (`19.99` equals `"19.990"`), never as floats.
 */
import { toUnits, unitsToNumber } from './decimals.js';

/** A line as the reader gives it (`order_line`), sorted by (sequence, id). */
export interface ReadLine {
  readonly id: number;
  readonly product_id: number | null;
  readonly product_uom_qty: number;
  readonly price_unit: number;
  readonly discount: number;
  readonly name: string;
}

/** A wanted line of a write payload, its numbers as exact decimals (units of 10^-12). */
export interface WantedLine {
  readonly product_id: number;
  readonly product_uom_qty: bigint;
  readonly price_unit: bigint;
  readonly discount: bigint;
  readonly name?: string;
}

export type LineCommand =
  readonly [0, 0, Record<string, unknown>] | readonly [1, number, Record<string, unknown>] | readonly [2, number];

/** A payload that cannot become lines: the message names the line and the field. */
export class LinePayloadError extends Error {}

const NUMBERS = ['product_uom_qty', 'price_unit', 'discount'] as const;

/** Checks a payload's `order_line` value: an array of line objects (see the contract in the module doc). */
export function parseWantedLines(value: unknown): WantedLine[] {
  if (!Array.isArray(value))
    throw new LinePayloadError(`order_line must be an array of line objects, not ${JSON.stringify(value)}`);
  return value.map((raw: unknown, i): WantedLine => {
    const at = `order_line[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new LinePayloadError(`${at} must be an object with product_id, product_uom_qty, price_unit, discount`);
    const line = raw as Record<string, unknown>;
    // A lookup may give the id as text ("42"): taken as the number it spells.
    const given = line['product_id'];
    const product = typeof given === 'string' && /^\d{1,15}$/.test(given) ? Number(given) : given;
    if (typeof product !== 'number' || !Number.isInteger(product) || product <= 0)
      throw new LinePayloadError(`${at}.product_id must be a product.product id, not ${JSON.stringify(given)}`);
    const numbers = NUMBERS.map((field) => {
      const units = toUnits(line[field] ?? (field === 'discount' ? 0 : undefined));
      if (units === undefined)
        throw new LinePayloadError(`${at}.${field} must be a decimal number, not ${JSON.stringify(line[field])}`);
      return units;
    }) as [bigint, bigint, bigint];
    const name = line['name'];
    if (name !== undefined && name !== null && typeof name !== 'string')
      throw new LinePayloadError(`${at}.name must be text, not ${JSON.stringify(name)}`);
    return {
      product_id: product,
      product_uom_qty: numbers[0],
      price_unit: numbers[1],
      discount: numbers[2],
      ...(typeof name === 'string' ? { name } : {}),
    };
  });
}

/** A wanted line's vals for Odoo (`name` only when given: Odoo fills it from the product otherwise). */
function vals(line: WantedLine): Record<string, unknown> {
  return {
    product_id: line.product_id,
    product_uom_qty: unitsToNumber(line.product_uom_qty),
    price_unit: unitsToNumber(line.price_unit),
    discount: unitsToNumber(line.discount),
    ...(line.name === undefined ? {} : { name: line.name }),
  };
}

/** The commands that create an order's lines. */
export function createCommands(wanted: readonly WantedLine[]): LineCommand[] {
  return wanted.map((line) => [0, 0, vals(line)] as const);
}

/** The fields of `line` that differ from `current`, as vals; empty when equal. */
function changes(current: ReadLine, line: WantedLine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of NUMBERS) if (toUnits(current[field]) !== line[field]) out[field] = unitsToNumber(line[field]);
  if (line.name !== undefined && line.name !== current.name) out['name'] = line.name;
  return out;
}

/** The commands that replace `current` (in (sequence, id) order) by `wanted`, by product key. */
export function replaceCommands(current: readonly ReadLine[], wanted: readonly WantedLine[]): LineCommand[] {
  const byProduct = new Map<number | null, ReadLine[]>();
  for (const line of current) byProduct.set(line.product_id, [...(byProduct.get(line.product_id) ?? []), line]);
  const paired = new Set<number>();
  const commands: LineCommand[] = [];
  for (const line of wanted) {
    const pair = byProduct.get(line.product_id)?.shift();
    if (pair === undefined) {
      commands.push([0, 0, vals(line)]);
      continue;
    }
    paired.add(pair.id);
    const changed = changes(pair, line);
    if (Object.keys(changed).length > 0) commands.push([1, pair.id, changed]);
  }
  for (const line of current) if (!paired.has(line.id)) commands.push([2, line.id]);
  return commands;
}
