/** Where a secret comes from in the config: never the YAML itself (src/config/secrets.ts reads it). */
import { z } from 'zod';

const SECRET_FORMS = '{ env: VARIABLE } (an environment variable) or { file: path } (a file holding it)';

/** Where a secret comes from: an environment variable or a file (re-read when it changes). */
export const secretRefSchema = z.union(
  [
    z.strictObject({ env: z.string().min(1).describe('environment variable that holds the secret') }),
    z.strictObject({ file: z.string().min(1).describe('file whose content (trimmed) is the secret') }),
  ],
  {
    // A secret is never written in the YAML: say so, rather than zod's "Invalid input".
    error: (issue) =>
      issue.input === undefined
        ? `is required: write ${SECRET_FORMS}`
        : typeof issue.input === 'string' || typeof issue.input === 'number'
          ? 'a secret is never written in the config in clear; put it in an environment variable or a file, and write { env: VARIABLE } or { file: path } here'
          : `expected ${SECRET_FORMS}`,
  },
);
export type SecretRef = z.infer<typeof secretRefSchema>;
