/**
 * The config file's schema (zod). Every key is checked at load; unknown keys are errors, so a
 * typo never silently turns a setting off. Vendor-specific connector keys are checked by the
 * connector's own schema (see connectors/index.ts).
 */
import cron from 'node-cron';
import { z } from 'zod';
import { postgresUrlProblem } from '../../state/index.js';
import { secretRefSchema } from './secret-ref.js';
import { alertsSchema, historySchema } from './ops-schema.js';

export { secretRefSchema, type SecretRef } from './secret-ref.js';

const retrySchema = z.strictObject({
  limit: z.number().int().min(0).max(20).optional(),
  baseDelayMs: z.number().int().positive().optional(),
  maxDelayMs: z.number().int().positive().optional(),
});

/**
 * OAuth 2.0 (RFC 6749) for a connector: the transport sends `Authorization: Bearer <access token>`
 * on every request, refreshed before expiry (from `expires_in`) and once on a 401.
 */
export const oauth2Schema = z
  .strictObject({
    grant: z.enum(['client_credentials', 'refresh_token']),
    tokenUrl: z.url().describe('the token endpoint'),
    clientId: z.string().min(1),
    clientSecret: secretRefSchema,
    /** Required for the refresh_token grant; a rotated refresh token is written back when this is a file. */
    refreshToken: secretRefSchema.optional(),
    scope: z.string().min(1).optional(),
    /** How the client authenticates at the token endpoint (RFC 6749 2.3.1): HTTP Basic, or form fields. */
    clientAuth: z.enum(['basic', 'body']).default('basic'),
    /** Refresh this long before the token expires (capped at half its lifetime). */
    refreshBeforeMs: z.number().int().min(0).default(60_000),
  })
  .refine((o) => o.grant !== 'refresh_token' || o.refreshToken !== undefined, {
    message: 'the refresh_token grant needs refreshToken: { env: VARIABLE } (or { file: path })',
    path: ['refreshToken'],
  });
export type OAuth2Config = z.infer<typeof oauth2Schema>;

/** mTLS and trust settings for a connector; paths are relative to the config file and re-read when they change. */
export const tlsSchema = z.strictObject({
  cert: z.string().min(1).optional().describe('client certificate (PEM)'),
  key: z.string().min(1).optional().describe('client private key (PEM)'),
  passphrase: secretRefSchema.optional().describe("the client key's passphrase"),
  ca: z.string().min(1).optional().describe('CA bundle (PEM) that signs the server certificate'),
  /** Turns off server certificate verification. Never silent: logged at error level at start. */
  dangerouslyDisableVerification: z.boolean().default(false),
});
export type TlsConfig = z.infer<typeof tlsSchema>;

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
  auth: z.strictObject({ oauth2: oauth2Schema }).optional(),
  tls: tlsSchema.optional(),
  /**
   * The checkpoint of a side read from this connector never passes the vendor's now minus this
   * many seconds: changes that show up late (a search index that lags, a transaction stamped at its
   * start) are read again by the next run. Defaults per connector kind (connectors/index.ts).
   */
  settleSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .optional()
    .describe('seconds behind the vendor clock a checkpoint stays, for changes that appear late'),
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
  /** Which sides are pulled: `both` reads changes on both; `crm-to-erp` reads the CRM only. */
  direction: z.enum(['both', 'crm-to-erp']).default('both'),
  /** What a tombstone (archived / inactive record) does to its counterpart. */
  deletes: z.enum(['archive', 'ignore', 'report']).default('archive'),
  /**
   * When one side merges two linked records, the other side holds a duplicate pair: `report` opens
   * a conflict for a person; `merge` merges them with that vendor's merge API (falling back to report).
   */
  merges: z.enum(['report', 'merge']).default('report'),
  /** Re-read this many seconds before the checkpoint, for records committed late; seen versions are skipped. */
  lookbackSeconds: z.number().int().min(0).max(86_400).default(5),
  schedule: cronExpression.default('*/5 * * * *'),
  runOnStart: z.boolean().default(true),
  /** Records per read page; unset, each connector reads at its own best size (HubSpot 200 per search page, Odoo and Tryton 100). */
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe("records per read page; default: the connector's own (HubSpot 200, Odoo and Tryton 100)"),
  maxAttempts: z.number().int().min(1).max(100).default(5),
  enabled: z.boolean().default(true),
  /** `/readyz` fails when the last successful run is older than this; unchecked when absent. */
  staleAfterMs: z.number().int().positive().optional(),
  /** Drift reports of this sync: when the daemon scans, in which formats, and whether it repairs. */
  drift: z
    .strictObject({
      schedule: cronExpression.optional().describe('cron of the scheduled drift scan; none when absent'),
      formats: z
        .array(z.enum(['html', 'md', 'json', 'csv']))
        .min(1)
        .default(['html', 'json'])
        .describe('report files written per scan'),
      repair: z.boolean().default(false).describe('enqueue the repairs after each scheduled scan'),
    })
    .optional(),
});
export type SyncConfig = z.infer<typeof syncSchema>;

const faultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).default(0),
  errorRate: z.number().min(0).max(1).default(0),
  rateLimitRate: z.number().min(0).max(1).default(0),
  resetRate: z.number().min(0).max(1).default(0),
  timeoutRate: z.number().min(0).max(1).default(0),
  lostResponseRate: z.number().min(0).max(1).default(0),
  /** HubSpot only: share of batch create/update/upsert requests answered 207 with some inputs rejected (not applied). */
  partialFailureRate: z.number().min(0).max(1).default(0),
  hangMs: z.number().int().positive().default(5000),
  /** HubSpot only: each write is searchable after a delay uniform in [0, searchIndexLagMs] ms. */
  searchIndexLagMs: z.number().int().min(0).default(0),
  /** Odoo only: a write stamps `write_date` at its transaction's start and commits up to this many ms later. */
  commitDelayMs: z.number().int().min(0).default(0),
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

/** A connector's incoming webhooks: how they are signed and how long a silence is tolerated. */
export const webhookSchema = z.strictObject({
  scheme: z.enum(['hubspot-v3', 'hmac-sha256']),
  secret: secretRefSchema.describe('the app secret (HubSpot) or shared HMAC key'),
  /** Requests signed longer ago than this are rejected (HubSpot documents 5 minutes). */
  toleranceMs: z.number().int().positive().default(300_000),
  /** Alarm when no verified event came for this long while polling still finds changes; off when absent. */
  silenceAfterMs: z.number().int().positive().optional(),
});
export type WebhookConfig = z.infer<typeof webhookSchema>;

/** The daemon's HTTP server: health, metrics, webhooks and the control API. */
export const serverSchema = z.strictObject({
  enabled: z.boolean().default(true),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8710),
  /** The bearer token of the control API (everything but health, metrics and webhooks). */
  tokenSecret: secretRefSchema,
  /** The server's URL as callers see it (behind a proxy); HubSpot signs the full URL it called. */
  publicUrl: z.url().optional(),
  webhooks: z.record(z.string(), webhookSchema).default({}),
});
export type ServerConfig = z.infer<typeof serverSchema>;

/**
 * Where the state store lives when it is not the SQLite file under `dataDir` (the default, which
 * needs nothing): a PostgreSQL database (docs/postgresql.md). TLS is on and verified unless
 * `tls: false` (a server on this host or a private network only).
 */
export const stateSchema = z.strictObject({
  url: z
    .string()
    .min(1)
    .superRefine((url, ctx) => {
      const problem = postgresUrlProblem(url);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('postgres://user@host:5432/database (no password, no parameters)'),
  password: secretRefSchema.optional().describe("the database user's password"),
  poolSize: z.int().min(1).max(100).default(10).describe('connections per Tandem process'),
  tls: z
    .union([z.literal(false), tlsSchema])
    .default({ dangerouslyDisableVerification: false })
    .describe('server verification (ca) and client certificate; false: plaintext'),
  connectTimeoutMs: z.int().min(100).max(120_000).default(10_000),
});
export type StateConfig = z.infer<typeof stateSchema>;

export const configSchema = z.strictObject({
  dataDir: z.string().default('./data').describe('state database and sandbox data; relative to the config file'),
  reportsDir: z
    .string()
    .optional()
    .describe('where drift reports are written; default <dataDir>/reports; relative to the config file'),
  state: stateSchema.optional().describe('the state store on PostgreSQL; absent: SQLite under dataDir'),
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      /** Extra pino redaction paths for personal data, e.g. `*.email`, `fields.phone`. */
      redact: z.array(z.string().min(1)).default([]),
      /** A file that gets every log line too (relative to the config file), created mode 0600. */
      file: z.string().min(1).optional(),
    })
    .default({ level: 'info', redact: [] }),
  server: serverSchema.optional(),
  history: historySchema.default({ keepDays: 30, maxChanges: 1_000_000 }),
  alerts: alertsSchema.optional(),
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
