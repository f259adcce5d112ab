/** Field values drawn from the seed's stream: phone numbers, street addresses, and slugs for emails and domains. */
import { pick } from './random.js';
import { PHONE_PREFIXES, STREETS } from './vocabulary.js';

/** A phone number in the country's international format, e.g. `+49 123 456789`. */
export function phone(random: () => number, country: string): string {
  const digits = String(Math.floor(random() * 1e9)).padStart(9, '0');
  return `${PHONE_PREFIXES[country] ?? '+49'} ${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** A house number and a street, e.g. `12 Mill Lane`. */
export function street(random: () => number): string {
  return `${1 + Math.floor(random() * 200)} ${pick(random, STREETS)}`;
}

/** Lower-case ASCII letters and digits only: `Chloé O'Brien` -> `chloeobrien`. */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}
