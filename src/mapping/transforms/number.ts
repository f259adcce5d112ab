/** Numbers, decimals and booleans: vendors send them as text (HubSpot) or as JSON values (Odoo). */
import { z } from 'zod';
import { fail, show, type Value } from '../values.js';
import { roundDecimal, type Rounding } from './decimal.js';
import { defineTransform, identity, type TransformDef } from './step.js';

const rounding = z.enum(['halfUp', 'halfEven', 'down', 'up', 'floor', 'ceiling']).default('halfUp');

function numberText(value: Value, step: string): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.trim().replace(/_/g, '');
  return fail(`${step} expects a number, got ${show(value)}`);
}

function rounded(value: Value, step: string, scale: number | undefined, mode: Rounding): string {
  const text = numberText(value, step);
  const out = roundDecimal(text, scale ?? 20, mode);
  if (out === undefined) return fail(`${show(value)} is not a number`);
  // Without a scale, keep the value's own digits (no padding zeros).
  return scale === undefined ? out.replace(/\.?0+$/, '') || '0' : out;
}

/**
 * Decimal text as the JSON number that prints as the same digits ("12.50" -> 12.5): no arithmetic,
 * so the ERP reads exactly the decimal meant. Text with more digits than a double holds is refused.
 */
function decimalNumber(value: Value): Value {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  const scale = value.split('.')[1]?.length ?? 0;
  if (!Number.isFinite(n) || roundDecimal(String(n), scale, 'halfUp') !== value)
    return fail(`${show(value)} has more digits than a JSON number holds exactly; write: text sends the text`);
  return n;
}

const TRUE = ['true', '1', 'yes', 'y', 'on'];
const FALSE = ['false', '0', 'no', 'n', 'off'];

export const NUMBER_TRANSFORMS: readonly TransformDef[] = [
  defineTransform({
    name: 'number',
    summary: 'a JSON number; optional `scale` (fraction digits) and `rounding`; back: text',
    example: '{ number: { scale: 2, rounding: halfEven } }',
    bare: true,
    options: z
      .strictObject({ scale: z.number().int().min(0).max(12).optional(), rounding })
      .optional()
      .transform((o) => o ?? { scale: undefined, rounding: 'halfUp' as const }),
    build: ({ scale, rounding: mode }) => ({
      name: 'number',
      forward: (value) => {
        const n = Number(rounded(value, 'number', scale, mode));
        return Number.isFinite(n) ? n : fail(`${show(value)} is out of range`);
      },
      inverse: (value) => (typeof value === 'number' ? String(value) : value),
    }),
  }),
  defineTransform({
    name: 'integer',
    summary: 'a whole JSON number, rounded half-up; back: text',
    example: 'integer',
    bare: true,
    options: z.undefined(),
    build: () => ({
      name: 'integer',
      forward: (value) => {
        const n = Number(rounded(value, 'integer', 0, 'halfUp'));
        return Number.isSafeInteger(n) ? n : fail(`${show(value)} is out of range`);
      },
      inverse: (value) => (typeof value === 'number' ? String(value) : value),
    }),
  }),
  defineTransform({
    name: 'decimal',
    summary:
      'exact decimal text with `scale` fraction digits (money): "12.5" -> "12.50"; the ERP gets it as a JSON number (`write: text` keeps the text)',
    example: '{ decimal: { scale: 2, rounding: halfUp } }',
    options: z.strictObject({
      scale: z.number().int().min(0).max(12),
      rounding,
      write: z
        .enum(['number', 'text'])
        .default('number')
        .describe('what the ERP payload carries: a JSON number (float/monetary fields) or the text (a char field)'),
    }),
    build: ({ scale, rounding: mode, write }) => ({
      name: 'decimal',
      forward: (value) => rounded(value, 'decimal', scale, mode),
      inverse: identity,
      ...(write === 'number' ? { payload: decimalNumber } : {}),
    }),
  }),
  defineTransform({
    name: 'boolean',
    summary: 'true/false from "true", "1", "yes", "on" and their opposites (any case); back: "true"/"false"',
    example: 'boolean',
    bare: true,
    options: z.strictObject({ true: z.array(z.string()).min(1), false: z.array(z.string()).min(1) }).optional(),
    build: (options) => {
      const yes = new Set((options?.true ?? TRUE).map((s) => s.toLowerCase()));
      const no = new Set((options?.false ?? FALSE).map((s) => s.toLowerCase()));
      // Back to the first spelling of each list, which `forward` reads as the same boolean.
      const yesText = options?.true[0] ?? 'true';
      const noText = options?.false[0] ?? 'false';
      return {
        name: 'boolean',
        emitsBoolean: true,
        forward: (value) => {
          if (typeof value === 'boolean') return value;
          const key = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.toLowerCase() : '';
          if (yes.has(key)) return true;
          if (no.has(key)) return false;
          return fail(`${show(value)} is not a yes/no value`);
        },
        inverse: (value) => (typeof value === 'boolean' ? (value ? yesText : noText) : value),
      };
    },
  }),
];
