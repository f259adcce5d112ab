/**
 * The zod schemas of the routes the console needs beyond the control API's lists: one conflict,
 * dead letter, ambiguous match or drift report with the records it is about, and the actions on them.
 */
import { z } from 'zod';
import { apiRegistry, syncStatusSchema } from './schemas.js';

function component<T extends z.ZodType>(id: string, schema: T): T {
  apiRegistry.add(schema, { id });
  return schema;
}

const side = z.enum(['crm', 'erp']);

export const idParamsSchema = z.object({ id: z.string().regex(/^\d+$/, 'a positive integer id') });
export const matchParamsSchema = z.object({
  sync: z.string().min(1),
  record: z.string().min(1).describe('the ambiguous record id; `crm:<id>` or `erp:<id>` when both sides have it'),
});
export const repairQuerySchema = z.object({
  dryRun: z.enum(['true', 'false']).optional().describe('true (the default): plan only, write nothing'),
});

export const resolveBodySchema = component(
  'ConflictResolution',
  z.union([
    z.strictObject({ take: side.describe('keep the value of this side') }),
    z.strictObject({ value: z.union([z.string(), z.number(), z.boolean(), z.null()]).describe('write this value') }),
  ]),
);
export const linkBodySchema = component(
  'MatchLink',
  z.strictObject({ candidate: z.string().min(1).describe("the other side's record to link") }),
);

export const recordViewSchema = component(
  'RecordView',
  z.object({
    side,
    id: z.string(),
    found: z.boolean().describe('false when the vendor no longer has it or it could not be read'),
    name: z.string().nullable(),
    url: z.string().nullable().describe("the record in the vendor's web UI, where the connector knows it"),
    modifiedAt: z.string().nullable(),
    archived: z.boolean(),
    fields: z.record(z.string(), z.unknown()).describe("the vendor's fields as read"),
    values: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('the mapped values, named alike on both sides; null when the mapping refuses the record'),
  }),
);

export const conflictDetailSchema = component(
  'ConflictDetail',
  z.object({
    conflict: z.record(z.string(), z.unknown()),
    crm: recordViewSchema.nullable().describe('null when the records could not be read'),
    erp: recordViewSchema.nullable(),
    readError: z.string().nullable(),
  }),
);
export const resolvedSchema = component(
  'ConflictResolved',
  z.object({ id: z.number().int(), queued: z.number().int().describe('writes queued for the next run') }),
);
export const deadLetterDetailSchema = component(
  'DeadLetterDetail',
  z.object({ deadLetter: z.record(z.string(), z.unknown()).describe('with its payload') }),
);
export const letterActionSchema = component(
  'DeadLetterAction',
  z.object({ id: z.number().int(), action: z.enum(['retried', 'dropped']) }),
);
export const matchDetailSchema = component(
  'AmbiguousMatchDetail',
  z.object({
    sync: z.string(),
    side,
    recordId: z.string(),
    matchKey: z.string(),
    record: recordViewSchema,
    candidates: z.array(recordViewSchema),
  }),
);
export const linkedSchema = component(
  'MatchLinked',
  z.object({ sync: z.string(), side, crmId: z.string(), erpId: z.string() }),
);
export const reportListSchema = component(
  'ReportList',
  z.object({ reports: z.array(z.record(z.string(), z.unknown())) }),
);
export const reportDetailSchema = component(
  'ReportDetail',
  z.object({
    report: z.record(z.string(), z.unknown()),
    rows: z.array(z.record(z.string(), z.unknown())).nullable().describe('null when the report has no JSON file'),
    unavailable: z.string().nullable().describe('why the rows are not shown'),
  }),
);
export const repairOutcomeSchema = component(
  'RepairOutcome',
  z.object({
    dryRun: z.boolean(),
    changes: z.array(z.record(z.string(), z.unknown())).describe('every planned write, field by field'),
    conflicts: z.number().int(),
    enqueued: z.number().int(),
    blocked: z.number().int(),
  }),
);

const breakerSchema = z
  .object({
    connector: z.string(),
    state: z.string().describe('closed, open, half-open, isolated; none without a breaker'),
  })
  .nullable();
export const overviewSchema = component(
  'Overview',
  z.object({
    syncs: z.array(
      syncStatusSchema.extend({
        conflicts: z.number().int().describe('open conflicts'),
        breakers: z.object({ crm: breakerSchema, erp: breakerSchema }),
        sinceSuccessS: z
          .number()
          .int()
          .nullable()
          .describe('seconds since the last successful run ended; null before one'),
      }),
    ),
  }),
);
