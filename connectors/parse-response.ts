/**
 * Validation at the boundary, shared by every connector: a vendor response is parsed with its
 * zod schema, or a VendorResponseError names the connector, the endpoint and the field paths.
 */
import type { z } from 'zod';
import { VendorResponseError } from '../src/errors.js';

/** `contacts[3].properties.email`, or `(root)`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/**
 * Parses `value` with `schema`; otherwise throws, with at most five issues:
 * `<connector>: <vendor> <endpoint> answered an unexpected shape: <path>: <message>; ...`.
 */
export function parseVendorResponse<T>(
  vendor: string,
  schema: z.ZodType<T>,
  value: unknown,
  connector: string,
  endpoint: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`)
    .join('; ');
  throw new VendorResponseError(`${connector}: ${vendor} ${endpoint} answered an unexpected shape: ${issues}`, {
    connector,
    endpoint,
    issues,
  });
}
