/**
 * Checks the properties of one write input. Unknown and read-only properties fail the whole
 * request (HubSpot: "Read-only and non-existent properties will result in an error"); a bad value
 * (an invalid email, an option that is not allowed, a non-number) fails only its own input.
 */
import type { PropertyProblem } from './errors.js';
import { type ObjectType, type PropertySource, propertyOf } from './properties.js';

export interface CheckedProperties {
  /** Problems that reject the whole batch with 400. */
  readonly fatal: PropertyProblem[];
  /** Problems that fail only this input. */
  readonly invalid: PropertyProblem[];
  /** The values to store: trimmed strings, email lower-cased as HubSpot stores it. */
  readonly values: Record<string, string>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkProperties(
  object: ObjectType,
  input: Readonly<Record<string, unknown>>,
  source: PropertySource,
): CheckedProperties {
  const fatal: PropertyProblem[] = [];
  const invalid: PropertyProblem[] = [];
  const values: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    const def = propertyOf(object, name, source);
    if (def === undefined) {
      fatal.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (def.readOnlyValue) {
      fatal.push({
        name,
        error: 'READ_ONLY_VALUE',
        message: `"${name}" is a read only property; its value cannot be set.`,
      });
      continue;
    }
    const value = raw === null || raw === undefined ? '' : String(raw).trim();
    if (value !== '') {
      if (name === 'email' && !EMAIL.test(value)) {
        invalid.push({ name, error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` });
        continue;
      }
      if (def.type === 'enumeration' && def.options !== undefined && !def.options.includes(value)) {
        invalid.push({
          name,
          error: 'INVALID_OPTION',
          message: `${value} was not one of the allowed options: [${def.options.join(', ')}]`,
        });
        continue;
      }
      if (def.type === 'number' && Number.isNaN(Number(value))) {
        invalid.push({ name, error: 'INVALID_INTEGER', message: `${value} was not a valid number.` });
        continue;
      }
      if (def.type === 'date') {
        const ms = dateValue(value);
        if (ms === undefined) {
          invalid.push({ name, error: 'INVALID_DATE', message: dateProblem(value) });
          continue;
        }
        values[name] = String(ms);
        continue;
      }
      if (def.type === 'datetime') {
        // Datetimes are written as epoch ms or ISO 8601 and kept as epoch ms (serialize.ts renders ISO).
        const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
        if (Number.isNaN(ms)) {
          // Guessed wording; the error code is HubSpot's for a value that is not a date.
          invalid.push({
            name,
            error: 'INVALID_DATE',
            message: `${value} is not a valid datetime (epoch ms or ISO 8601)`,
          });
          continue;
        }
        values[name] = String(ms);
        continue;
      }
    }
    values[name] = name === 'email' ? value.toLowerCase() : value;
  }
  return { fatal, invalid, values };
}

/**
 * A date property's value as epoch ms of midnight UTC: `YYYY-MM-DD`, or an ISO 8601 time or epoch
 * ms that falls on midnight UTC (the properties guide: "Values must be represented in UTC time ...
 * EPOCH-timestamps in milliseconds (i.e. midnight UTC)"); undefined for anything else.
 */
export function dateValue(value: string): number | undefined {
  const ms = /^\d+$/.test(value)
    ? Number(value)
    : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) || ms % 86_400_000 !== 0 ? undefined : ms;
}

// Guessed wording; the code is HubSpot's for a value that is not a date.
const dateProblem = (value: string): string =>
  `${value} is not a valid date: a date property takes YYYY-MM-DD or epoch milliseconds at midnight UTC`;
