/** The run history's part of the API (`GET /api/runs`, `GET /api/runs/{id}/changes`), in zod. */
import { z } from 'zod';
import { component, runStatsSchema } from './schemas.js';

const side = z.enum(['crm', 'erp']);

export const runSchema = component(
  'Run',
  z.object({
    id: z.number().int(),
    sync: z.string(),
    kind: z.string().describe('incremental, backfill or repair'),
    status: z.enum(['running', 'succeeded', 'failed', 'interrupted', 'paused', 'skipped']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
    stats: runStatsSchema.nullable().describe("the run's figures; null while it runs or after a crash"),
  }),
);

export const runListSchema = component('RunList', z.object({ runs: z.array(runSchema) }));

export const runChangeSchema = component(
  'RunChange',
  z.object({
    id: z.number().int(),
    sync: z.string(),
    side: side.describe('the side written to'),
    action: z.enum(['create', 'update', 'archive', 'restore']),
    recordId: z
      .string()
      .nullable()
      .describe('the record written; for a create, the id it received once delivered (null before)'),
    sourceId: z.string().describe('the record on the other side the change comes from'),
    fields: z.array(
      z.object({
        field: z.string().describe('the canonical field (the mapping’s name)'),
        from: z.unknown().describe('before; "[redacted]" for a field `log.redact` names'),
        to: z.unknown().describe('after'),
      }),
    ),
    delivery: z
      .enum(['pending', 'done', 'dead', 'superseded', 'dropped'])
      .nullable()
      .describe('where the write stands in the outbox; null once the outbox row is gone'),
    at: z.string().describe('when the change was committed'),
  }),
);

export const runChangesSchema = component(
  'RunChanges',
  z.object({ run: runSchema, changes: z.array(runChangeSchema) }),
);

export const runListQuerySchema = z.object({
  sync: z.string().optional().describe('only this sync'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('at most this many (default 50)'),
  before: z.coerce.number().int().min(1).optional().describe('runs older than this id (the next page)'),
});

export const runParamsSchema = z.object({ id: z.coerce.number().int().min(1).describe('run id') });

export const runChangesQuerySchema = z.object({
  record: z.string().min(1).optional().describe("only the changes to this record (either side's id)"),
});
