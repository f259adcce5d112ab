/**
 * The keys a zod schema knows at a path, for "did you mean" on an unknown key: zod's
 * `unrecognized_keys` issue names the stray key but not the keys that were expected there.
 */
import { z } from 'zod';

/** The object-like schemas `schema` may be, looking through optional, default, pipe and union. */
function candidates(schema: z.core.$ZodType, depth = 0): z.core.$ZodType[] {
  if (depth > 20) return [];
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodCatch ||
    schema instanceof z.ZodNonOptional ||
    schema instanceof z.ZodLazy
  )
    return candidates(schema.unwrap(), depth + 1);
  if (schema instanceof z.ZodPipe) return candidates(schema.in, depth + 1);
  if (schema instanceof z.ZodUnion) return schema.options.flatMap((o) => candidates(o, depth + 1));
  return [schema];
}

function child(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType[] {
  return candidates(schema).flatMap((s) => {
    if (s instanceof z.ZodObject) {
      const field = (s.shape as Record<string, z.core.$ZodType | undefined>)[String(key)];
      return field === undefined ? [] : [field];
    }
    if (s instanceof z.ZodRecord) return [s.valueType];
    if (s instanceof z.ZodArray && typeof key === 'number') return [s.element];
    return [];
  });
}

/** The keys of the object(s) the schema expects at `path`; empty when none is known. */
export function knownKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let here = [schema];
  for (const key of path) here = here.flatMap((s) => child(s, key));
  const keys = new Set<string>();
  for (const s of here.flatMap((h) => candidates(h))) {
    if (s instanceof z.ZodObject) for (const key of Object.keys(s.shape as object)) keys.add(key);
  }
  return [...keys];
}
