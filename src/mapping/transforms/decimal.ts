/**
 * Exact decimal rounding on digit strings: `1.005` rounds half-up to `1.01`, which
 * `Math.round(1.005 * 100) / 100` gets wrong (binary floating point).
 */

export type Rounding = 'halfUp' | 'halfEven' | 'down' | 'up' | 'floor' | 'ceiling';

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a decimal number written as text (or a JS number) into sign, digits and point position. */
function parse(text: string): { negative: boolean; digits: string; point: number } | undefined {
  const m = NUMBER.exec(text);
  if (m === null) return undefined;
  const whole = m[2] ?? '';
  const fraction = m[3] ?? '';
  if (whole === '' && fraction === '') return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return undefined;
  return { negative: m[1] === '-', digits: whole + fraction, point: whole.length + exponent };
}

/** Rounds `text` to `scale` fraction digits; returns fixed notation, or undefined when it is no number. */
export function roundDecimal(text: string, scale: number, mode: Rounding): string | undefined {
  const parsed = parse(text);
  if (parsed === undefined) return undefined;
  const { negative } = parsed;
  let { digits, point } = parsed;
  // Pad so the kept digits (everything up to `scale` after the point) exist.
  if (point < 1) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  const keep = point + scale;
  if (digits.length < keep) digits += '0'.repeat(keep - digits.length);
  const kept = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const restNonZero = /[1-9]/.test(rest);
  const tailNonZero = /[1-9]/.test(rest.slice(1));
  const lastKept = kept.charCodeAt(kept.length - 1) - 48;
  let up: boolean;
  switch (mode) {
    case 'down':
      up = false;
      break;
    case 'up':
      up = restNonZero;
      break;
    case 'floor':
      up = negative && restNonZero;
      break;
    case 'ceiling':
      up = !negative && restNonZero;
      break;
    case 'halfUp':
      up = first >= 5;
      break;
    case 'halfEven':
      up = first > 5 || (first === 5 && (tailNonZero || lastKept % 2 === 1));
      break;
  }
  let result = up ? increment(kept) : kept;
  const intLength = result.length - scale;
  let whole = result.slice(0, intLength).replace(/^0+(?=\d)/, '');
  if (whole === '') whole = '0';
  const fraction = result.slice(intLength);
  result = scale > 0 ? `${whole}.${fraction}` : whole;
  const zero = /^[0.]*$/.test(result);
  return negative && !zero ? `-${result}` : result;
}

function increment(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === '9') chars[i] = '0';
    else {
      chars[i] = String(Number(chars[i]) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}
