/** Value maps, catalog lookups, and lists: join, split and pick. */
import { z } from 'zod';
import { asText, fail, show, type Value } from '../values.js';
import { defineTransform, type Step, type TransformDef } from './step.js';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const mapOptions = z.strictObject({
  values: z.record(z.string(), scalar).describe('source value -> target value'),
  default: scalar.optional().describe('target value for a source value not listed (else empty)'),
  reverseDefault: scalar.optional().describe('source value for a target value not listed, going back'),
  ignoreCase: z.boolean().default(false),
});

function buildMap(o: z.output<typeof mapOptions>): Step {
  const key = (value: Value): string => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return o.ignoreCase ? text.toLowerCase() : text;
  };
  const forward = new Map<string, Value>();
  const back = new Map<string, Value>();
  let duplicate: string | undefined;
  for (const [from, to] of Object.entries(o.values)) {
    forward.set(o.ignoreCase ? from.toLowerCase() : from, to);
    const target = JSON.stringify(to);
    if (back.has(target)) duplicate ??= `${show(back.get(target))} and ${show(from)} both map to ${target}`;
    else back.set(target, from);
  }
  const fallback = o.default === undefined ? null : o.default;
  const backFallback = o.reverseDefault === undefined ? null : o.reverseDefault;
  let noInverse = duplicate === undefined ? undefined : `${duplicate}, so going back is ambiguous`;
  if (
    noInverse === undefined &&
    o.default !== undefined &&
    o.default !== null &&
    !back.has(JSON.stringify(o.default))
  ) {
    if (o.reverseDefault === undefined)
      noInverse = `the default ${show(o.default)} is no listed value, so going back has no answer; add reverseDefault: <the source value for it>`;
    else back.set(JSON.stringify(o.default), o.reverseDefault);
  }
  return {
    name: 'map',
    emitsBoolean: [...forward.values(), fallback].some((v) => typeof v === 'boolean'),
    forward: (value) => {
      const found = forward.get(key(value));
      return found === undefined ? fallback : found;
    },
    inverse: noInverse === undefined ? (value) => back.get(JSON.stringify(value)) ?? backFallback : undefined,
    ...(noInverse === undefined ? {} : { noInverse }),
  };
}

const side = z.enum(['crm', 'erp']);

export const STRUCTURE_TRANSFORMS: readonly TransformDef[] = [
  defineTransform({
    name: 'map',
    summary: 'a value map; unlisted values take `default` (else empty); invertible when no two values map to one',
    example: '{ map: { values: { lead: Prospect, customer: Customer }, default: Other, reverseDefault: other } }',
    options: mapOptions,
    build: buildMap,
  }),
  defineTransform({
    name: 'lookup',
    summary: "the id of a catalog record by a key (a country's ISO code -> its res.country id); back: the key",
    example: '{ lookup: { object: res.country, field: code } }',
    options: z.strictObject({
      object: z.string().min(1),
      field: z.string().min(1),
      side: side.default('erp'),
      missing: z.enum(['reject', 'empty']).default('reject'),
    }),
    build: (o) => {
      const missing = (what: string): Value =>
        o.missing === 'empty' ? null : fail(`${o.side} ${o.object} has no record with ${what}`);
      return {
        name: 'lookup',
        resolves: true,
        forward: (value, resolver) => {
          const key = asText(value, 'lookup');
          return resolver?.lookup(o.side, o.object, o.field, key) ?? missing(`${o.field} ${show(key)}`);
        },
        inverse: (value, resolver) => {
          const id = asText(value, 'lookup');
          return resolver?.lookupKey(o.side, o.object, o.field, id) ?? missing(`id ${show(id)}`);
        },
      };
    },
  }),
  defineTransform({
    name: 'join',
    summary: 'joins the values of several paths with a separator, skipping empty ones; back: splits',
    example: "{ join: ', ' }",
    options: z.string().min(1),
    build: (separator, ctx) => ({
      name: 'join',
      forward: (value) => {
        if (!Array.isArray(value)) return value;
        const parts: string[] = [];
        for (const item of value as Value[]) if (item !== null) parts.push(asText(item, 'join'));
        return parts.length === 0 ? null : parts.join(separator);
      },
      inverse: (value) => splitText(asText(value, 'join'), separator, ctx.arity),
    }),
  }),
  defineTransform({
    name: 'split',
    summary: 'splits text into as many parts as the field has target paths (the rest goes to the last); back: joins',
    example: "{ split: '\\n' }",
    options: z.string().min(1),
    build: (separator, ctx) => ({
      name: 'split',
      emitsList: true,
      forward: (value) => splitText(asText(value, 'split'), separator, ctx.targets),
      inverse: (value) => {
        if (!Array.isArray(value)) return value;
        const parts: string[] = [];
        for (const item of value as Value[]) if (item !== null) parts.push(asText(item, 'split'));
        return parts.length === 0 ? null : parts.join(separator);
      },
    }),
  }),
  defineTransform({
    name: 'pick',
    summary: 'keeps the Nth value (from 0) of a list; one-way: the others cannot be rebuilt',
    example: '{ pick: 0 }',
    options: z.number().int().min(0),
    build: (index) => ({
      name: 'pick',
      forward: (value) => (Array.isArray(value) ? ((value as Value[])[index] ?? null) : index === 0 ? value : null),
      inverse: undefined,
      noInverse: 'it keeps one value of a list and drops the others',
    }),
  }),
];

/** Splits into exactly `parts` values: the rest goes to the last, missing ones are empty. */
export function splitText(text: string, separator: string, parts: number): Value[] {
  const out: Value[] = [];
  let rest = text;
  for (let i = 0; i < parts - 1; i++) {
    const at = rest.indexOf(separator);
    if (at < 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  out.push(rest);
  while (out.length < parts) out.push(null);
  return out;
}
