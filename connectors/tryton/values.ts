/**
 * Tryton's typed values on the wire, converted both ways. trytond's JSON-RPC encodes what JSON
 * cannot say as tagged objects (trytond/protocols/jsonrpc.py `JSONEncoder` / `JSONDecoder`):
 * `{"__class__": "datetime", year, month, day, hour, minute, second, microsecond}`, `"date"`,
 * `"time"`, `"timedelta"` (`seconds`), `"bytes"` (`base64`) and `"Decimal"` (`decimal`, a string).
 *
 * Inward, Tandem sees plain JSON: a datetime becomes ISO 8601 UTC with microseconds
 * (`2024-05-01T10:00:00.123456Z`; Tryton stores naive UTC), a date `YYYY-MM-DD`, a Decimal a
 * number when that is exact and its string otherwise, bytes base64 text.
 */

export type TaggedValue = { readonly __class__: string } & Readonly<Record<string, unknown>>;

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d*)?Z$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const pad = (n: unknown, width = 2): string => String(n).padStart(width, '0');

function isTagged(value: unknown): value is TaggedValue {
  return (
    typeof value === 'object' && value !== null && typeof (value as { __class__?: unknown }).__class__ === 'string'
  );
}

/** A Decimal as a number when the number prints back to the same digits, else the exact string. */
export function decimal(text: string): number | string {
  const n = Number(text);
  const digits = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return Number.isFinite(n) && String(n) === digits ? n : text;
}

function decodeTagged(value: TaggedValue): unknown {
  switch (value.__class__) {
    case 'datetime':
      return `${pad(value['year'], 4)}-${pad(value['month'])}-${pad(value['day'])}T${pad(value['hour'])}:${pad(value['minute'])}:${pad(value['second'])}.${pad(value['microsecond'] ?? 0, 6)}Z`;
    case 'date':
      return `${pad(value['year'], 4)}-${pad(value['month'])}-${pad(value['day'])}`;
    case 'time':
      return `${pad(value['hour'])}:${pad(value['minute'])}:${pad(value['second'])}.${pad(value['microsecond'] ?? 0, 6)}`;
    case 'timedelta':
      return value['seconds'];
    case 'Decimal':
      return typeof value['decimal'] === 'string' ? decimal(value['decimal']) : value['decimal'];
    case 'bytes':
      return typeof value['base64'] === 'string' ? value['base64'].replace(/\n/g, '') : value['base64'];
    default:
      return value;
  }
}

/** Replaces every tagged value in a decoded JSON tree by its plain form (see the module doc). */
export function fromTryton(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromTryton);
  if (isTagged(value)) return decodeTagged(value);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromTryton(v)]));
  }
  return value;
}

/** True for ISO 8601 UTC text with up to microseconds, as cursors and datetimes are written. */
export function isIsoInstant(text: string): boolean {
  return ISO.test(text);
}

/** ISO 8601 UTC (`...Z`, up to 6 fractional digits kept) -> Tryton's datetime. */
export function toTrytonDatetime(iso: string): TaggedValue {
  const m = ISO.exec(iso);
  if (m === null) throw new RangeError(`not an ISO 8601 UTC instant: ${iso}`);
  const [, year, month, day, hour, minute, second, fraction] = m.map((part) => part ?? '');
  return {
    __class__: 'datetime',
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    microsecond: Number((fraction ?? '').padEnd(6, '0')),
  };
}

/** `YYYY-MM-DD` -> Tryton's date. */
export function toTrytonDate(text: string): TaggedValue {
  const m = DATE.exec(text);
  if (m === null) throw new RangeError(`not a date YYYY-MM-DD: ${text}`);
  return { __class__: 'date', year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** A number or numeric text -> Tryton's Decimal (sent as its exact text). */
export function toTrytonDecimal(value: number | string): TaggedValue {
  const text = String(value).trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new RangeError(`not a decimal number: ${String(value)}`);
  return { __class__: 'Decimal', decimal: text };
}

/**
 * A plain value for a field of the given Tryton type (`fields_get` type names): text for
 * `datetime`/`timestamp`, `date` and `numeric` becomes the tagged value; everything else is sent
 * as it is. Throws RangeError for text that is not of the type.
 */
export function toTrytonValue(value: unknown, type: string | undefined): unknown {
  if (value === null || value === undefined) return null;
  if ((type === 'datetime' || type === 'timestamp') && typeof value === 'string') {
    return toTrytonDatetime(DATE.test(value) ? `${value}T00:00:00Z` : value);
  }
  if (type === 'date' && typeof value === 'string') return toTrytonDate(value.slice(0, 10));
  if (type === 'numeric' && (typeof value === 'number' || typeof value === 'string')) return toTrytonDecimal(value);
  return value;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A decoded Decimal (number or exact text) as a scaled integer: `12.5` at scale 2 -> 1250n. */
function scaled(value: number | string, scale: number): bigint {
  const m = DECIMAL.exec(typeof value === 'number' ? String(value) : value.trim());
  if (m === null) throw new RangeError(`not a decimal number: ${String(value)}`);
  const [, sign, whole, fraction = ''] = m;
  const digits = BigInt(`${whole ?? '0'}${fraction.padEnd(scale, '0')}`);
  return sign === '-' ? -digits : digits;
}

const fractionDigits = (value: number | string): number => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (/e/i.test(text)) throw new RangeError(`not a plain decimal number: ${text}`);
  return text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
};

/**
 * Exact sum of decoded Decimals (numbers or exact text, as {@link fromTryton} gives them), with
 * integer arithmetic, never float: as {@link fromTryton} presents a Decimal (a number when exact).
 */
export function sumDecimals(values: ReadonlyArray<number | string>): number | string {
  const scale = Math.max(0, ...values.map(fractionDigits));
  const total = values.reduce((sum, v) => sum + scaled(v, scale), 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return decimal(`${negative ? '-' : ''}${text}`);
}

/** `a - b` exactly (see {@link sumDecimals}). */
export function subtractDecimals(a: number | string, b: number | string): number | string {
  const negated = typeof b === 'number' ? -b : b.startsWith('-') ? b.slice(1) : `-${b}`;
  return sumDecimals([a, negated]);
}

/** True when two decoded Decimals are the same number (`12.5` and `"12.50"`). */
export function sameDecimal(a: number | string, b: number | string): boolean {
  return sumDecimals([a, typeof b === 'number' ? -b : b.startsWith('-') ? b.slice(1) : `-${b}`]) === 0;
}
