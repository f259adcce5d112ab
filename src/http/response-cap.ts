/**
 * The response-size cap as a connector setting: each connector's config block accepts
 * `maxResponseBytes` (this schema), and the engine hands it to the transport, which aborts a
 * download that grows past it (a 1.1 GB vendor body once took the process to 2.34 GB).
 *
 * @example
 *   crm:
 *     kind: hubspot
 *     maxResponseBytes: 134217728   # 128 MiB; the default is 64 MiB
 */
import { z } from 'zod';

/** 64 MiB: far above any page a vendor sends, far below what hurts the process. The transport's default. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export const maxResponseBytesSetting = z
  .number()
  .int()
  .min(1024, 'maxResponseBytes must be at least 1024 (bytes)')
  .optional()
  .describe('largest response body accepted, in bytes; a larger answer is aborted while it downloads (default 64 MiB)');

const capSchema = z.object({ maxResponseBytes: z.number().int().positive().optional() }).loose();

/** The cap a connector's parsed settings carry, if any. */
export function responseCapOf(settings: unknown): number | undefined {
  const parsed = capSchema.safeParse(settings);
  return parsed.success ? parsed.data.maxResponseBytes : undefined;
}
