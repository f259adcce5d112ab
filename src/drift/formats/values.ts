/**
 * Values as a person reads them in a report: nothing is "(empty)" (undefined here, for the
 * format to mark), and a reference field's id is shown with the name of the record it points to
 * ("Acme GmbH (136)" where the canonical value is the ERP id 136).
 */
import { cell } from './sink.js';

/** Canonical field -> referenced id -> that record's name. */
export type ReferenceNames = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The text of a value, or undefined when it is empty (null, "", an empty list). */
export function shownValue(field: string, value: unknown, references: ReferenceNames): string | undefined {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
    return undefined;
  const names = references.get(field);
  const id = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  const name = id === undefined ? undefined : names?.get(id);
  return name === undefined ? cell(value) : `${name} (${id ?? ''})`;
}
