/**
 * Phone numbers to E.164 (`+4915123456789`): separators dropped, `00` read as `+`, and a
 * national number (leading trunk `0`) given the region's calling code. A deliberately small
 * normaliser, not a numbering-plan validator: it checks the length rules of E.164 (at most 15
 * digits) and leaves per-country plans to the vendors.
 */
import { z } from 'zod';
import { asText, fail, show } from '../values.js';
import { BuildError, defineTransform, identity, type TransformDef } from './step.js';

/** ITU calling codes of the regions a mapping may name as its default. */
export const CALLING_CODES: Readonly<Record<string, string>> = {
  AT: '43',
  AU: '61',
  BE: '32',
  BR: '55',
  CA: '1',
  CH: '41',
  CZ: '420',
  DE: '49',
  DK: '45',
  ES: '34',
  FI: '358',
  FR: '33',
  GB: '44',
  GR: '30',
  HU: '36',
  IE: '353',
  IN: '91',
  IT: '39',
  JP: '81',
  LU: '352',
  MX: '52',
  NL: '31',
  NO: '47',
  PL: '48',
  PT: '351',
  RO: '40',
  SE: '46',
  TR: '90',
  US: '1',
  ZA: '27',
};

// Italy keeps the leading 0 of national numbers after the country code (+39 06 ...).
const KEEPS_TRUNK_ZERO = new Set(['IT']);

/** E.164 text, or undefined when the input cannot be one. */
export function toE164(input: string, region: string | undefined): string | undefined {
  const trimmed = input.trim();
  const extension = /\s*(?:ext\.?|x|#)\s*\d+$/i;
  const bare = trimmed.replace(extension, '');
  if (!/^[+\d\s().\-/]+$/.test(bare)) return undefined;
  let digits = bare.replace(/[^\d+]/g, '');
  if (digits.lastIndexOf('+') > 0) return undefined;
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  else {
    const code = region === undefined ? undefined : CALLING_CODES[region];
    if (code === undefined || region === undefined) return undefined;
    const national = KEEPS_TRUNK_ZERO.has(region) ? digits : digits.replace(/^0/, '');
    digits = code + national;
  }
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : undefined;
}

export const PHONE_TRANSFORMS: readonly TransformDef[] = [
  defineTransform({
    name: 'phone',
    summary: 'E.164 (`+4930123456`); national numbers take `region`; `invalid: keep` (default) or `reject`',
    example: '{ phone: { region: DE, invalid: reject } }',
    bare: true,
    options: z
      .strictObject({ region: z.string().length(2).optional(), invalid: z.enum(['keep', 'reject']).default('keep') })
      .optional(),
    build: (options) => {
      const region = options?.region?.toUpperCase();
      if (region !== undefined && CALLING_CODES[region] === undefined) {
        throw new BuildError(
          `no calling code known for region "${region}"; use one of ${Object.keys(CALLING_CODES).join(', ')}`,
          ['region'],
        );
      }
      const reject = options?.invalid === 'reject';
      return {
        name: 'phone',
        forward: (value) => {
          const text = asText(value, 'phone');
          const e164 = toE164(text, region);
          if (e164 !== undefined) return e164;
          // Kept as written (trimmed), so a person can fix it in the source system.
          return reject ? fail(`${show(text)} is not a phone number (E.164)`) : text.trim() || null;
        },
        // E.164 is a valid way to write a number on every side: the identity undoes nothing needed.
        inverse: identity,
      };
    },
  }),
];
