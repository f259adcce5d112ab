/**
 * Exact decimal arithmetic for the money HubSpot calculates (a line item's net price): values are
 * decimal strings, held as scaled BigInts, never floats, and rounded half away from zero to the
 * currency's two places as HubSpot shows amounts.
 */

interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses `"12.50"`, `"-3"`, `"1e3"` (via Number for exponents); undefined when not a number. */
export function parseDecimal(text: string): Scaled | undefined {
  const trimmed = text.trim();
  const match = DECIMAL.exec(trimmed);
  if (match === null || (match[2] ?? '') + (match[3] ?? '') === '') {
    const n = Number(trimmed);
    return trimmed !== '' && Number.isFinite(n) ? parseDecimal(n.toFixed(10)) : undefined;
  }
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[1] ?? ''}${match[2] || '0'}${fraction}`);
  return { units, scale: fraction.length };
}

function align(a: Scaled, scale: number): bigint {
  return a.units * 10n ** BigInt(scale - a.scale);
}

export function multiply(a: Scaled, b: Scaled): Scaled {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function subtract(a: Scaled, b: Scaled): Scaled {
  const scale = Math.max(a.scale, b.scale);
  return { units: align(a, scale) - align(b, scale), scale };
}

/** `a / 100` exactly. */
export function percentOf(a: Scaled, percent: Scaled): Scaled {
  const product = multiply(a, percent);
  return { units: product.units, scale: product.scale + 2 };
}

/** Rounds half away from zero to `places` and formats with exactly that many decimals. */
export function toFixed(a: Scaled, places = 2): string {
  let units: bigint;
  if (a.scale <= places) units = align(a, places);
  else {
    const divisor = 10n ** BigInt(a.scale - places);
    const negative = a.units < 0n;
    const magnitude = negative ? -a.units : a.units;
    const rounded = (magnitude + divisor / 2n) / divisor;
    units = negative ? -rounded : rounded;
  }
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places);
  return `${negative ? '-' : ''}${whole}${places > 0 ? `.${fraction}` : ''}`;
}
