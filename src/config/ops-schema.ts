/**
 * The config of what Tandem keeps and tells people: `history` (run history retention) and `alerts`
 * (outgoing notifications). Documented in docs/configuration.md and docs/operations.md.
 */
import { z } from 'zod';
import { secretRefSchema } from './secret-ref.js';

export const historySchema = z
  .strictObject({
    keepDays: z.int().min(1).max(3650).default(30).describe('runs and their changes older than this are deleted'),
    maxChanges: z
      .int()
      .min(100)
      .default(1_000_000)
      .describe('at most this many changed records are kept, the newest; older ones are deleted'),
  })
  .describe('run history retention, pruned at the end of every run');
export type HistoryConfig = z.infer<typeof historySchema>;

const webhookTarget = z.strictObject({
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://alerts.example.com/tandem' }),
  /** Signs every request: `X-Tandem-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
  secret: secretRefSchema.describe('the HMAC-SHA256 key the receiver verifies X-Tandem-Signature with'),
});

const slackTarget = z.strictObject({
  kind: z.literal('slack'),
  /** A Slack incoming webhook URL holds its own secret: it comes from the environment or a file. */
  url: secretRefSchema.describe('the incoming webhook URL (it is a secret): { env: VARIABLE } or { file: path }'),
});

export const alertTargetSchema = z.discriminatedUnion('kind', [webhookTarget, slackTarget], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? 'kind must be "webhook" (JSON, HMAC-signed) or "slack" (a Slack-compatible incoming webhook)'
      : undefined,
});
export type AlertTarget = z.infer<typeof alertTargetSchema>;

export const alertsSchema = z
  .strictObject({
    targets: z.array(alertTargetSchema).min(1, 'name at least one target, or remove `alerts`'),
    /** The console's address as people open it; alerts link to its pages. Default: server.publicUrl. */
    consoleUrl: z.url().optional().describe('the web console as people reach it; default server.publicUrl'),
    batchMs: z
      .int()
      .min(0)
      .max(3_600_000)
      .default(10_000)
      .describe('alerts raised within this window go in one message'),
    maxPerBatch: z.int().min(1).max(1000).default(50).describe('alerts per message at most'),
    maxPerMinute: z.int().min(1).max(600).default(20).describe('messages per target per minute at most'),
    checkEverySeconds: z
      .int()
      .min(1)
      .max(3600)
      .default(30)
      .describe('how often the daemon looks for something to alert about (and after every run)'),
    staleAfterMinutes: z
      .int()
      .min(1)
      .default(60)
      .describe('a sync with no successful run for this long raises a stale alert'),
    driftBelow: z
      .number()
      .min(0)
      .max(1)
      .default(0.95)
      .describe('a drift report whose agreement (0..1) is below this raises an alert'),
  })
  .describe('notifications to people: dead letters, conflicts, stale syncs, open breakers, webhook silence, drift');
export type AlertsConfig = z.infer<typeof alertsSchema>;
