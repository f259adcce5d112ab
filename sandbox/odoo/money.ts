/**
 * Exact decimal arithmetic for the sandbox's money: amounts as bigint counts of 10^-10, so that
 * 3 × 19.99 with a 10% discount is 53.973 exactly and rounds to 53.97, never to a binary float's
 * neighbour. Rounding is Odoo's `float_round(value, precision_rounding=currency.rounding)`:
 * half-up, away from zero, to a multiple of the rounding (0.01, 1, 0.05…).
 */

/** One unit is 10^-10. */
const SCALE = 10_000_000_000n;
const DIGITS = 10;

export type Decimal = bigint;

/** A JSON number (or numeric string) as an exact decimal; its shortest decimal form is taken as meant. */
export function decimal(value: number | string): Decimal {
  const text = typeof value === 'number' ? shortest(value) : value.trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (match === null) throw new RangeError(`not a decimal: ${text}`);
  const [, sign = '', whole = '', fraction = ''] = match;
  // Digits past 10^-10 are cut: no price or quantity in the sandbox has that many.
  const units = BigInt(whole === '' ? '0' : whole) * SCALE + BigInt(fraction.slice(0, DIGITS).padEnd(DIGITS, '0'));
  return sign === '-' ? -units : units;
}

/** A float's decimal digits as JavaScript prints them ('1e-7' spelt out). */
function shortest(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(DIGITS) : text;
}

/** Rounds half-up (away from zero) to a multiple of `rounding` (e.g. decimal(0.01)). */
export function roundTo(value: Decimal, rounding: Decimal): Decimal {
  if (rounding <= 0n) return value;
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const steps = (magnitude * 2n + rounding) / (rounding * 2n);
  const rounded = steps * rounding;
  return negative ? -rounded : rounded;
}

/** Rounds half-up to `digits` decimals (a Float field's `digits`). */
export function roundDigits(value: Decimal, digits: number): Decimal {
  return roundTo(value, 10n ** BigInt(DIGITS - Math.min(Math.max(digits, 0), DIGITS)));
}

/** `a × b` in decimals. */
export function times(a: Decimal, b: Decimal): Decimal {
  return (a * b) / SCALE;
}

/** The decimal as a JSON number: the double nearest to it, which prints as its decimal digits. */
export function toNumber(value: Decimal): number {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = magnitude / SCALE;
  const fraction = (magnitude % SCALE).toString().padStart(DIGITS, '0').replace(/0+$/, '');
  return Number(`${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`);
}

/** The sum of decimals. */
export function sum(values: Iterable<Decimal>): Decimal {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

/**
 * A sales line's untaxed subtotal as Odoo 17 computes it without taxes (`account.tax._compute_taxes`):
 * `price_unit × (1 − discount/100) × quantity`, rounded as the currency rounds.
 */
export function lineSubtotal(priceUnit: number, quantity: number, discount: number, rounding: number): Decimal {
  const factor = SCALE - decimal(discount) / 100n;
  return roundTo(times(times(decimal(priceUnit), factor), decimal(quantity)), decimal(rounding));
}
