/**
 * Odoo's datetimes on the wire are naive UTC strings, 'YYYY-MM-DD HH:MM:SS'
 * (DEFAULT_SERVER_DATETIME_FORMAT; `fields.Datetime.to_string` drops microseconds). Tandem's
 * cursors are ISO 8601 UTC with milliseconds.
 */

const ODOO_DATETIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

/** True for a string in Odoo's server datetime format. */
export function isOdooDatetime(value: string): boolean {
  return ODOO_DATETIME.test(value);
}

/** '2024-05-01 10:00:00' -> '2024-05-01T10:00:00.000Z' (the value is UTC, never local time). */
export function odooToIso(value: string): string {
  const match = ODOO_DATETIME.exec(value);
  if (match === null) throw new RangeError(`not an Odoo datetime: ${value}`);
  return `${match[1]}T${match[2]}.000Z`;
}

/** An ISO 8601 instant -> Odoo's format, rounded down to the second. */
export function isoToOdoo(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 instant: ${iso}`);
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The next second, in Odoo's format. */
export function nextSecond(value: string): string {
  return isoToOdoo(new Date(Date.parse(odooToIso(value)) + 1000).toISOString());
}
