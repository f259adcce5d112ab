/** Request parsing shared by the API's handlers: a 400 that says what was wrong. */
import type { z } from 'zod';
import { HttpError } from './http-error.js';

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new HttpError(400, 'BAD_REQUEST', `${what}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
}

/** The raw body (the server keeps bodies as text) as JSON; an empty body is `{}`. */
export function parseJson(body: unknown): unknown {
  if (typeof body !== 'string' || body.trim() === '') return {};
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'the body is not JSON');
  }
}
