/**
 * The drift report, as zod schemas: the JSON format is exactly `driftReportSchema`, and
 * `schemas/drift-report.schema.json` is generated from it (`npm run schemas`) for the machines
 * that read reports. The other formats (HTML, Markdown, CSV) show the same rows.
 */
import { z } from 'zod';

/**
 * What can disagree between the two systems of one sync:
 * - `field_mismatch`: a linked pair whose mapped values differ;
 * - `deleted_one_side`: a linked pair with one record gone (archived, or hard-deleted) and the other alive;
 * - `unlinked_match`: two records the match keys (or the reference) pair, not linked yet;
 * - `missing_counterpart`: a record in the sync's scope with no counterpart at all;
 * - `duplicate_key`: several records on one side share a match key value;
 * - `unmappable`: a linked record the mapping refuses now (outside the filter, a bad value);
 * - `conflict`: an open conflict waiting for a person;
 * - `dead_letter`: a write given up on;
 * - `stale_sync`: the sync has not completed a run for longer than its `staleAfterMs`.
 */
export const DRIFT_CATEGORIES = [
  'field_mismatch',
  'deleted_one_side',
  'unlinked_match',
  'missing_counterpart',
  'duplicate_key',
  'unmappable',
  'conflict',
  'dead_letter',
  'stale_sync',
] as const;
export type DriftCategory = (typeof DRIFT_CATEGORIES)[number];

/** Each category in plain words, as the HTML and Markdown reports show it (the code stays in JSON and CSV). */
export const CATEGORY_LABELS: Readonly<Record<DriftCategory, string>> = {
  field_mismatch: 'Values differ',
  deleted_one_side: 'Deleted on one side',
  unlinked_match: 'Same record, not linked yet',
  missing_counterpart: 'Missing on the other side',
  duplicate_key: 'Duplicate match key',
  unmappable: 'The mapping refuses it',
  conflict: 'Conflict, a person decides',
  dead_letter: 'Write given up on',
  stale_sync: 'Sync has not run lately',
};

/** Categories `tandem drift --repair` fixes through the outbox (the rest need a person). */
export const REPAIRABLE: ReadonlySet<DriftCategory> = new Set([
  'field_mismatch',
  'deleted_one_side',
  'unlinked_match',
  'missing_counterpart',
]);

const valueSchema: z.ZodType<unknown> = z
  .unknown()
  .describe('a canonical (mapped) value: text, number, boolean, null or a list');

export const fieldDiffSchema = z.strictObject({
  field: z.string().describe("canonical field name (the mapping's field)"),
  crm: valueSchema,
  erp: valueSchema,
  base: valueSchema.describe('the value both sides last agreed on; null when never agreed'),
  winner: z
    .enum(['crm', 'erp', 'manual', 'none'])
    .describe(
      'the side the field policy says wins; manual: a person decides; none: a compared-only field (direction: none), never written',
    ),
  action: z.string().describe('what a repair does, e.g. "write to erp"'),
});
export type FieldDiff = z.infer<typeof fieldDiffSchema>;

export const driftRowSchema = z.strictObject({
  category: z.enum(DRIFT_CATEGORIES),
  crmId: z.string().nullable(),
  erpId: z.string().nullable(),
  /** A human key for the record: the match key value, or the field named by the mapping. */
  label: z.string().nullable(),
  name: z
    .string()
    .nullable()
    .optional()
    .describe("the record's name (its name field, or first and last name) where the values hold one"),
  modified: z
    .strictObject({ crm: z.string().optional(), erp: z.string().optional() })
    .optional()
    .describe("each side's record modification time, as its vendor stamps it"),
  detail: z.string().describe('what disagrees, in words'),
  action: z.string().describe('what policy proposes'),
  repairable: z.boolean().describe('whether `tandem drift --repair` fixes it'),
  fields: z.array(fieldDiffSchema),
  urls: z.strictObject({ crm: z.string().optional(), erp: z.string().optional() }),
});
export type DriftRow = z.infer<typeof driftRowSchema>;

const countsSchema = z.strictObject(
  Object.fromEntries(DRIFT_CATEGORIES.map((c) => [c, z.number().int().min(0)])) as Record<DriftCategory, z.ZodNumber>,
);
export type CategoryCounts = Record<DriftCategory, number>;

export const driftSummarySchema = z.strictObject({
  records: z.strictObject({ crm: z.number().int().min(0), erp: z.number().int().min(0) }),
  linked: z.number().int().min(0).describe('linked pairs'),
  inAgreement: z.number().int().min(0).describe('linked pairs whose mapped values all agree'),
  /** inAgreement over every record (pair or single) in the sync's scope; 1 when there is none. */
  agreement: z.number().min(0).max(1),
  categories: countsSchema,
  /** Rows, by category, that `--repair` would fix. */
  repairable: z.number().int().min(0),
  previous: z
    .strictObject({
      id: z.number().int(),
      generatedAt: z.string(),
      agreement: z.number(),
      categories: countsSchema,
    })
    .nullable()
    .describe('the last report of this sync, for the change since'),
});
export type DriftSummary = z.infer<typeof driftSummarySchema>;

/** A summary as the state store keeps it (`reports.summary`): without `previous`. */
export const storedSummarySchema = driftSummarySchema.omit({ previous: true });

export const driftReportSchema = z.strictObject({
  version: z.literal(1),
  sync: z.string(),
  generatedAt: z.string().describe('ISO 8601 UTC'),
  durationMs: z.number().int().min(0),
  crm: z.strictObject({ connector: z.string(), object: z.string() }),
  erp: z.strictObject({ connector: z.string(), object: z.string() }),
  summary: driftSummarySchema,
  rows: z.array(driftRowSchema),
});
export type DriftReport = z.infer<typeof driftReportSchema>;

export function emptyCounts(): CategoryCounts {
  return Object.fromEntries(DRIFT_CATEGORIES.map((c) => [c, 0])) as CategoryCounts;
}
