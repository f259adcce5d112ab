/**
 * Dates and date-times between the vendors' formats, with time zones:
 * - `hubspot`: reads epoch milliseconds (number or digits) or ISO 8601; writes ISO 8601 UTC
 *   (https://developers.hubspot.com/docs/api/crm/properties#date-and-datetime-properties).
 * - `epochMs`: milliseconds since 1970 as a number. `iso`: ISO 8601 (date-times in UTC, `Z`).
 * - `odoo`: `YYYY-MM-DD HH:MM:SS` in UTC, Odoo's `DEFAULT_SERVER_DATETIME_FORMAT`.
 * - `local`: `YYYY-MM-DD HH:MM:SS` wall-clock time in `timezone`.
 * A `date` is `YYYY-MM-DD` in iso/odoo/local/hubspot, and midnight UTC in epochMs (HubSpot date
 * properties); a date-time read into a date takes its calendar day in `timezone` (default UTC).
 */
import { z } from 'zod';
import { fail, show, type Value } from '../values.js';
import { BuildError, defineTransform, type Step, type TransformDef } from './step.js';

const format = z.enum(['hubspot', 'epochMs', 'iso', 'odoo', 'local']);
type Format = z.infer<typeof format>;

const options = z.strictObject({
  from: format,
  to: format,
  timezone: z.string().default('UTC').describe('IANA time zone, e.g. Europe/Berlin'),
});

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/** The offset of `zone` from UTC at instant `ms`, in ms. */
function offsetAt(parts: Intl.DateTimeFormat, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of parts.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    p['year'] ?? 0,
    (p['month'] ?? 1) - 1,
    p['day'] ?? 1,
    (p['hour'] ?? 0) % 24,
    p['minute'] ?? 0,
    p['second'] ?? 0,
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

function zoneFormatter(timezone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    throw new BuildError(`unknown time zone "${timezone}"; write an IANA name such as Europe/Berlin or UTC`, [
      'timezone',
    ]);
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Reads a value in `from` as an instant (ms); `zone` interprets wall-clock text. */
function readInstant(value: Value, from: Format, zone: Intl.DateTimeFormat | undefined): number {
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d{9,}$/.test(value))) {
    if (from === 'hubspot' || from === 'epochMs') return Number(value);
    return fail(`${show(value)} is epoch milliseconds, not ${from}`);
  }
  if (typeof value !== 'string') return fail(`expected a date, got ${show(value)}`);
  const wall = WALL.exec(value);
  if (wall !== null && from !== 'epochMs') {
    const utc = Date.UTC(
      Number(wall[1]),
      Number(wall[2]) - 1,
      Number(wall[3]),
      Number(wall[4] ?? 0),
      Number(wall[5] ?? 0),
      Number(wall[6] ?? 0),
    );
    if (Number.isNaN(utc) || new Date(utc).getUTCDate() !== Number(wall[3]) || Number(wall[4] ?? 0) > 23)
      return fail(`${show(value)} is not a valid date`);
    // Odoo's server format is UTC; other text without an offset is wall-clock time in the zone.
    if (from === 'odoo' || zone === undefined) return utc;
    // Correct by the zone's offset twice, so a time next to a DST change settles on the right side.
    const first = utc - offsetAt(zone, utc);
    return utc - offsetAt(zone, first);
  }
  if (from === 'iso' || from === 'hubspot') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms) && /[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) return ms;
  }
  return fail(`${show(value)} is not a ${from} date-time`);
}

function wallParts(ms: number, zone: Intl.DateTimeFormat | undefined): Date {
  return new Date(zone === undefined ? ms : ms + offsetAt(zone, ms));
}

function writeDateTime(ms: number, to: Format, zone: Intl.DateTimeFormat | undefined): Value {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return fail(`${ms} is out of the date range`);
  if (to === 'epochMs') return ms;
  if (to === 'iso' || to === 'hubspot') return new Date(ms).toISOString();
  const d = wallParts(Math.floor(ms / 1000) * 1000, to === 'local' ? zone : undefined);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A calendar day as `YYYY-MM-DD`, from a date or date-time value. */
function readDate(value: Value, from: Format, zone: Intl.DateTimeFormat | undefined): string {
  if (typeof value === 'string') {
    const wall = WALL.exec(value);
    if (wall !== null && wall[4] === undefined) {
      readInstant(value, 'odoo', undefined); // validates the day
      return value;
    }
  }
  const d = wallParts(readInstant(value, from, zone), zone);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** A day in `to`: text, or for epochMs its midnight in the zone (UTC: HubSpot date properties). */
function writeDate(day: string, to: Format, zone: Intl.DateTimeFormat | undefined): Value {
  return to === 'epochMs' ? readInstant(day, 'local', zone) : day;
}

function build(kind: 'date' | 'datetime', o: z.output<typeof options>): Step {
  const zone = o.timezone === 'UTC' ? undefined : zoneFormatter(o.timezone);
  if (kind === 'datetime') {
    return {
      name: kind,
      forward: (value) => writeDateTime(readInstant(value, o.from, zone), o.to, zone),
      inverse: (value) => writeDateTime(readInstant(value, o.to, zone), o.from, zone),
    };
  }
  return {
    name: kind,
    forward: (value) => writeDate(readDate(value, o.from, zone), o.to, zone),
    inverse: (value) => writeDate(readDate(value, o.to, zone), o.from, zone),
  };
}

export const TIME_TRANSFORMS: readonly TransformDef[] = [
  defineTransform({
    name: 'datetime',
    summary: 'a date-time between formats hubspot, epochMs, iso, odoo, local (wall clock in `timezone`)',
    example: '{ datetime: { from: hubspot, to: odoo } }',
    options,
    build: (o) => build('datetime', o),
  }),
  defineTransform({
    name: 'date',
    summary: 'a calendar day between the same formats; a date-time gives its day in `timezone`',
    example: '{ date: { from: hubspot, to: odoo, timezone: Europe/Berlin } }',
    options,
    build: (o) => build('date', o),
  }),
];
