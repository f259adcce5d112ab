/**
 * Exact decimals for order lines and invoice amounts: a value is held as a bigint count of 10^-12,
 * so comparing `19.99` with `"19.990"` or adding invoice totals never goes through binary floating
 * point. Odoo sends floats as JSON numbers; their shortest printed form (`String(n)`) is taken as
 * the decimal meant, which is how Odoo itself prints them (`float_repr`).
 */
/** Fraction digits kept: far past any currency, quantity or discount precision of Odoo (digits <= 6). */
const SCALE = 12;

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * A number or decimal text as units of 10^-12; undefined when it is no finite decimal number.
 * Digits past the 12th decimal are dropped (no price, quantity or discount has them).
 */
export function toUnits(value: unknown): bigint | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  const match = NUMBER.exec(typeof value === 'number' ? String(value) : value.trim());
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  const shifted = point + SCALE;
  const kept = shifted <= 0 ? '0' : digits.length >= shifted ? digits.slice(0, shifted) : digits.padEnd(shifted, '0');
  const units = BigInt(kept);
  return sign === '-' ? -units : units;
}

/** Units back to the shortest decimal text: `19990000000000n` -> `'19.99'`. */
export function unitsToText(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, '0');
  const whole = digits.slice(0, digits.length - SCALE);
  const fraction = digits.slice(digits.length - SCALE).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** Units as the JSON number Odoo takes (the double nearest the decimal, printed as its digits). */
export function unitsToNumber(units: bigint): number {
  return Number(unitsToText(units));
}
