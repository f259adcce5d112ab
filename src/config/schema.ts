/**
 * The config file's schema (zod). Every key is checked at load; unknown keys are errors, so a
 * typo never silently turns a setting off. Vendor-specific connector keys are checked by the
 * connector's own schema (see connectors/index.ts).
 */
import cron from 'node-cron';
import { z } from 'zod';

/** Where a secret comes from: an environment variable or a file (re-read when it changes). */
export const secretRefSchema = z.union([
  z.strictObject({ env: z.string().min(1).describe('environment variable that holds the secret') }),
  z.strictObject({ file: z.string().min(1).describe('file whose content (trimmed) is the secret') }),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

const retrySchema = z.strictObject({
  limit: z.number().int().min(0).max(20).optional(),
  baseDelayMs: z.number().int().positive().optional(),
  maxDelayMs: z.number().int().positive().optional(),
});

/** The engine's part of a connector block; the rest belongs to the connector kind. */
export const connectorBaseSchema = z.looseObject({
  kind: z.string().min(1).describe('connector kind: hubspot, odoo'),
  sandbox: z.enum(['crm', 'erp']).optional().describe('talk to the embedded sandbox server of this role'),
  secrets: z.record(z.string(), secretRefSchema).default({}),
  timeoutMs: z.number().int().positive().default(30_000),
  retry: retrySchema.default({}),
  /** Requests allowed per interval, shaped like the vendor's documented limit; defaults per connector kind. */
  rateLimit: z
    .strictObject({ requests: z.number().int().positive(), intervalMs: z.number().int().positive() })
    .optional(),
  breaker: z
    .strictObject({
      failures: z.number().int().min(1).max(1000).default(5),
      halfOpenAfterMs: z.number().int().positive().default(30_000),
    })
    .default({ failures: 5, halfOpenAfterMs: 30_000 }),
});
export type ConnectorBaseConfig = z.infer<typeof connectorBaseSchema>;

const cronExpression = z.string().superRefine((value, ctx) => {
  const result = cron.validateDetailed(value);
  if (result.valid) return;
  const detail = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  ctx.addIssue({
    code: 'custom',
    message: `"${value}" is not a valid cron expression (${detail}); write e.g. "*/5 * * * *", or with seconds "*/30 * * * * *"`,
  });
});

export const syncSchema = z.strictObject({
  mapping: z.string().min(1).describe('path of the mapping file, relative to the config file'),
  crm: z.string().min(1).describe('name of the CRM connector'),
  erp: z.string().min(1).describe('name of the ERP connector'),
  direction: z.enum(['crm-to-erp']).default('crm-to-erp'),
  schedule: cronExpression.default('*/5 * * * *'),
  runOnStart: z.boolean().default(true),
  pageSize: z.number().int().min(1).max(1000).default(100),
  maxAttempts: z.number().int().min(1).max(100).default(5),
  enabled: z.boolean().default(true),
});
export type SyncConfig = z.infer<typeof syncSchema>;

const faultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).default(0),
  errorRate: z.number().min(0).max(1).default(0),
  rateLimitRate: z.number().min(0).max(1).default(0),
  resetRate: z.number().min(0).max(1).default(0),
  timeoutRate: z.number().min(0).max(1).default(0),
  lostResponseRate: z.number().min(0).max(1).default(0),
  hangMs: z.number().int().positive().default(5000),
  seed: z.number().int().default(7),
});

export const sandboxSchema = z.strictObject({
  enabled: z.boolean().default(false),
  seed: z.number().int().default(42),
  contacts: z.number().int().min(0).max(1_000_000).default(2000),
  companies: z.number().int().min(0).max(100_000).default(300),
  crm: z.strictObject({ port: z.number().int().min(0).max(65535).default(0) }).default({ port: 0 }),
  erp: z.strictObject({ port: z.number().int().min(0).max(65535).default(0) }).default({ port: 0 }),
  faults: faultsSchema.default(faultsSchema.parse({})),
});
export type SandboxConfig = z.infer<typeof sandboxSchema>;

export const configSchema = z.strictObject({
  dataDir: z.string().default('./data').describe('state database and sandbox data; relative to the config file'),
  log: z
    .strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') })
    .default({ level: 'info' }),
  sandbox: sandboxSchema.default(sandboxSchema.parse({})),
  connectors: z.record(
    z.string().regex(/^[a-z][a-z0-9_-]*$/, 'connector names are lowercase letters, digits, - and _'),
    connectorBaseSchema,
  ),
  syncs: z.record(
    z.string().regex(/^[a-z][a-z0-9_-]*$/, 'sync names are lowercase letters, digits, - and _'),
    syncSchema,
  ),
});
export type RawConfig = z.infer<typeof configSchema>;
