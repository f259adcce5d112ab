/**
 * The zod schemas of the HTTP API: requests are parsed with them, and the OpenAPI document is
 * generated from them (z.toJSONSchema), so the description cannot drift from the code.
 */
import { z } from 'zod';

/** Every named schema of the API: the OpenAPI document's `components.schemas`. */
export const apiRegistry = z.registry<{ id: string }>();

export function component<T extends z.ZodType>(id: string, schema: T): T {
  apiRegistry.add(schema, { id });
  return schema;
}

const side = z.enum(['crm', 'erp']);
const sideCounts = z.object({ crm: z.number().int(), erp: z.number().int() });
const runKind = z.enum(['incremental', 'backfill']);
const cursor = component('Cursor', z.object({ modifiedAt: z.string(), lastId: z.string().nullable() }));
const backfillState = z
  .enum(['running', 'interrupted', 'failed', 'paused', 'done', 'superseded'])
  .describe('interrupted, failed and paused ones are resumed by the next backfill request; superseded: restarted');

export const errorSchema = component(
  'Error',
  z.object({ error: z.string().describe('a stable code'), message: z.string() }),
);

export const healthSchema = component('Health', z.object({ status: z.literal('ok'), uptimeS: z.number() }));

export const readinessSchema = component(
  'Readiness',
  z.object({
    ready: z.boolean(),
    checks: z.array(
      z.object({
        name: z.string().describe('state-store, circuit:<connector>, stale:<sync>, webhooks:<connector>'),
        ok: z.boolean(),
        detail: z.string().optional().describe('why the check failed'),
      }),
    ),
  }),
);

const checkpointSchema = z
  .object({ modifiedAt: z.string(), lastId: z.string().nullable(), savedAt: z.string() })
  .nullable();

export const syncStatusSchema = component(
  'SyncStatus',
  z.object({
    sync: z.string(),
    enabled: z.boolean(),
    schedule: z.string(),
    paused: z.boolean().describe('scheduled and webhook runs skip a paused sync'),
    running: z.boolean(),
    checkpoint: checkpointSchema.describe("the CRM side's checkpoint (checkpoints has both)"),
    checkpoints: z.object({ crm: checkpointSchema, erp: checkpointSchema }),
    lastRun: z
      .object({
        id: z.number().int(),
        kind: z.string(),
        status: z.string(),
        startedAt: z.string(),
        finishedAt: z.string().nullable(),
      })
      .nullable(),
    lastSuccessAt: z.string().nullable(),
    links: z.number().int(),
    outbox: z.object({
      pending: z.number().int(),
      done: z.number().int(),
      dead: z.number().int(),
      oldestPendingAt: z.string().nullable().describe('when the oldest pending operation was queued'),
    }),
    deadLetters: z.number().int(),
    ambiguousMatches: z.number().int(),
    conflicts: z.number().int().describe('open conflicts'),
    lagSeconds: z
      .number()
      .nullable()
      .describe('how old the oldest change not processed yet is; 0 when caught up, null before the first run'),
    lease: z
      .object({
        purpose: z.enum(['daemon', 'run', 'backfill', 'repair']),
        pid: z.number().int(),
        host: z.string(),
        since: z.string(),
        heartbeatAt: z.string(),
        expiresAt: z.string(),
        token: z.number().int().describe('the fencing token: grows with every takeover'),
      })
      .nullable()
      .describe('the process that holds the sync (one writer per sync); null when none does'),
  }),
);

export const syncListSchema = component('SyncList', z.object({ syncs: z.array(syncStatusSchema) }));

export const runStatsSchema = component(
  'RunStats',
  z
    .object({
      sync: z.string(),
      kind: runKind,
      status: z
        .enum(['succeeded', 'failed', 'interrupted', 'paused', 'skipped'])
        .describe('skipped: another process holds the sync (its lease); nothing was done'),
      pulled: sideCounts,
      written: sideCounts,
      created: sideCounts,
      updated: sideCounts,
      archived: sideCounts,
      skippedAsEcho: sideCounts,
      skipped: z.number().int(),
      conflicts: z.number().int(),
      waiting: z.number().int(),
      filtered: z.number().int(),
      failed: z.number().int(),
      deadLettered: z.number().int(),
      ambiguous: z.number().int(),
      pending: z.number().int(),
      durationMs: z.number(),
      error: z.string().optional(),
      backfill: z
        .object({
          id: z.number().int(),
          resumed: z.boolean().describe('this run resumed an unfinished backfill'),
          resumedFrom: z.object({ crm: cursor.nullable().optional(), erp: cursor.nullable().optional() }),
          state: backfillState,
          since: z.string().nullable(),
          pulled: sideCounts,
          written: sideCounts,
        })
        .optional()
        .describe('backfill runs: the backfill and its figures over all its runs'),
    })
    .loose(),
);

export const runAcceptedSchema = component(
  'RunAccepted',
  z.object({
    sync: z.string(),
    kind: runKind,
    accepted: z.literal(true),
    joined: z.boolean().describe('a run was already in flight: this request joined it or queued behind it'),
    resumes: z
      .number()
      .int()
      .optional()
      .describe('backfills: the id of the unfinished backfill this request resumes (absent: a new one)'),
  }),
);

export const syncParamsSchema = z.object({ sync: z.string().min(1).describe('sync name') });
export const connectorParamsSchema = z.object({ connector: z.string().min(1).describe('connector name') });

export const runQuerySchema = z.object({
  wait: z.enum(['true', 'false']).optional().describe('true: answer with the run stats when the run ends'),
});

export const backfillBodySchema = component(
  'BackfillRequest',
  z.object({
    since: z.iso
      .datetime({ offset: true })
      .or(z.iso.date())
      .optional()
      .describe(
        'where a new backfill starts (ISO date or date-time); absent: from the beginning, or resume the unfinished one',
      ),
    restart: z
      .boolean()
      .optional()
      .describe('start over, superseding an unfinished backfill; without it an unfinished one is resumed'),
  }),
);

const backfillSide = component(
  'BackfillSide',
  z.object({
    cursor: cursor.nullable().describe('where reading resumes on this side; null before the first page'),
    done: z.boolean().describe('read to its end'),
    pulled: z.number().int(),
    written: z.number().int().describe('records written to this side'),
    total: z.number().int().nullable().describe("records expected: the connector's count; null when it cannot count"),
  }),
);

export const backfillProgressSchema = component(
  'BackfillProgress',
  z.object({
    id: z.number().int(),
    sync: z.string(),
    state: backfillState,
    since: z.string().nullable(),
    startedAt: z.string(),
    updatedAt: z.string().describe('the last page (or state change)'),
    finishedAt: z.string().nullable(),
    resumes: z.number().int().describe('times resumed after an interruption'),
    sides: z
      .object({ crm: backfillSide.optional(), erp: backfillSide.optional() })
      .describe('the sides the sync reads'),
    pulled: z.number().int(),
    written: z.number().int(),
    total: z.number().int().nullable().describe('null unless every side can count'),
    ratePerSecond: z.number().nullable().describe('records pulled per second in the current (or last) run'),
    etaSeconds: z.number().nullable().describe('seconds left at that rate; null without a total or a rate'),
    error: z.string().nullable(),
  }),
);

export const backfillStatusSchema = component(
  'BackfillStatus',
  z.object({
    sync: z.string(),
    running: z.boolean().describe('a backfill of this sync is in flight in this daemon'),
    backfill: backfillProgressSchema.nullable().describe('the current or last backfill; null when there was none'),
  }),
);

export const pauseSchema = component('PauseState', z.object({ sync: z.string(), paused: z.boolean() }));

export const listQuerySchema = z.object({ sync: z.string().optional().describe('only this sync') });

export const deadLetterSchema = component(
  'DeadLetter',
  z.object({
    id: z.number().int(),
    sync: z.string(),
    side,
    stage: z.string(),
    recordId: z.string(),
    operationKey: z.string().nullable(),
    error: z.unknown().describe("the failure: code, message, the vendor's status and body excerpt"),
    createdAt: z.string(),
  }),
);

export const deadLetterListSchema = component('DeadLetterList', z.object({ deadLetters: z.array(deadLetterSchema) }));

export const ambiguousListSchema = component(
  'AmbiguousMatchList',
  z.object({
    ambiguousMatches: z.array(
      z.object({ sync: z.string(), side, recordId: z.string(), matchKey: z.string(), candidates: z.array(z.string()) }),
    ),
  }),
);

export const conflictListSchema = component(
  'ConflictList',
  z.object({
    available: z
      .literal(true)
      .describe('always true: every state store has the conflicts table (migration 0003); kept for existing clients'),
    conflicts: z.array(z.record(z.string(), z.unknown())),
  }),
);

export const webhookAcceptedSchema = component(
  'WebhookAccepted',
  z.object({
    connector: z.string(),
    syncs: z.array(z.string()).describe('the syncs a targeted run was requested for (paused ones excluded)'),
  }),
);
