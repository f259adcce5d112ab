/** Text transforms: trim, case, whitespace folding, length limits, defaults, prefixes. */
import { z } from 'zod';
import { asText, fail, show, type Value } from '../values.js';
import { defineTransform, identity, type TransformDef } from './step.js';

const text = (name: string, summary: string, fn: (s: string) => string): TransformDef =>
  defineTransform({
    name,
    summary,
    example: name,
    bare: true,
    options: z.undefined(),
    build: () => ({
      name,
      forward: (value) => {
        const out = fn(asText(value, name));
        return out === '' ? null : out;
      },
      // A normaliser: its output is already canonical, so the inverse is the identity.
      inverse: identity,
    }),
  });

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const TEXT_TRANSFORMS: readonly TransformDef[] = [
  text('trim', 'removes leading and trailing white space; empty text becomes empty (null)', (s) => s.trim()),
  text('lowercase', 'lower case', (s) => s.toLowerCase()),
  text('uppercase', 'upper case', (s) => s.toUpperCase()),
  text('collapseWhitespace', 'folds runs of white space (new lines, tabs) into one space, and trims', (s) =>
    s.replace(/\s+/g, ' ').trim(),
  ),
  defineTransform({
    name: 'truncate',
    summary: 'cuts text to at most N characters',
    example: '{ truncate: 64 }',
    options: z.number().int().positive(),
    build: (max) => ({
      name: 'truncate',
      forward: (value) => {
        const s = asText(value, 'truncate');
        return s.length <= max ? s : [...s].slice(0, max).join('');
      },
      inverse: identity,
    }),
  }),
  defineTransform({
    name: 'maxLength',
    summary: 'rejects the record when the text is longer than N characters',
    example: '{ maxLength: 64 }',
    options: z.number().int().positive(),
    build: (max) => ({
      name: 'maxLength',
      forward: (value) => {
        const s = asText(value, 'maxLength');
        return s.length <= max ? s : fail(`${show(s)} is longer than ${max} characters`);
      },
      inverse: identity,
    }),
  }),
  defineTransform({
    name: 'default',
    summary: 'an empty value becomes this value',
    example: '{ default: Unknown }',
    options: scalar,
    build: (fallback) => ({
      name: 'default',
      nulls: true,
      forward: (value) => value ?? fallback,
      inverse: identity,
    }),
  }),
  defineTransform({
    name: 'prefix',
    summary: 'adds text in front; the inverse removes it',
    example: "{ prefix: 'HS-' }",
    options: z.string().min(1),
    build: (prefix) => ({
      name: 'prefix',
      forward: (value) => prefix + asText(value, 'prefix'),
      inverse: (value: Value) => {
        const s = asText(value, 'prefix');
        return s.startsWith(prefix) ? s.slice(prefix.length) : fail(`${show(s)} does not start with ${show(prefix)}`);
      },
    }),
  }),
];
