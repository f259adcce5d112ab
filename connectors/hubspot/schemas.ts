/**
 * zod schemas for every HubSpot response the connector reads, after HubSpot's OpenAPI specs
 * (HubSpot/HubSpot-public-api-spec-collection, CRM contacts v3). Unknown keys pass (HubSpot adds
 * fields); missing or mistyped ones fail with a `VendorResponseError` that names the endpoint and
 * the field path.
 */
import { z } from 'zod';
import { VendorResponseError } from '../../src/errors.js';

/** `SimplePublicObject` (and the upsert variant with `new`). Property values are nullable strings. */
export const publicObjectSchema = z.looseObject({
  id: z.string(),
  properties: z.record(z.string(), z.string().nullable()),
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z.boolean().optional(),
  archivedAt: z.string().optional(),
  new: z.boolean().optional(),
  objectWriteTraceId: z.string().optional(),
});
export type PublicObject = z.infer<typeof publicObjectSchema>;

const pagingSchema = z.looseObject({ next: z.looseObject({ after: z.string() }).optional() });

/** `CollectionResponseWithTotalSimplePublicObject`: what search answers. */
export const searchResponseSchema = z.looseObject({
  total: z.number(),
  results: z.array(publicObjectSchema),
  paging: pagingSchema.optional(),
});
export type SearchResponse = z.infer<typeof searchResponseSchema>;

/** A list page (`GET /crm/v3/objects/{object}`). */
export const listResponseSchema = z.looseObject({
  results: z.array(publicObjectSchema),
  paging: pagingSchema.optional(),
});

/** `StandardError`: one failed input of a batch. */
export const standardErrorSchema = z.looseObject({
  status: z.string().optional(),
  category: z.string(),
  message: z.string(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});
export type StandardError = z.infer<typeof standardErrorSchema>;

/** `BatchResponseSimplePublicObject` / `...UpsertObject`, with `errors` on a 207. */
export const batchResponseSchema = z.looseObject({
  status: z.string(),
  results: z.array(publicObjectSchema),
  errors: z.array(standardErrorSchema).optional(),
  numErrors: z.number().optional(),
});
export type BatchResponse = z.infer<typeof batchResponseSchema>;

/** The `Error` body of a failed request; every field optional, as the error guide advises. */
export const errorBodySchema = z.looseObject({
  message: z.string().optional(),
  category: z.string().optional(),
  correlationId: z.string().optional(),
  policyName: z.string().optional(),
});

/** One entry of `GET /crm/v3/properties/{object}`. */
export const propertyDefinitionSchema = z.looseObject({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  fieldType: z.string().optional(),
  hasUniqueValue: z.boolean().optional(),
  calculated: z.boolean().optional(),
  modificationMetadata: z.looseObject({ readOnlyValue: z.boolean() }).optional(),
  /** An enumeration's values (`dealstage`: every pipeline's stage ids). */
  options: z.array(z.looseObject({ value: z.string() })).optional(),
  /** Set when the options come from elsewhere (owners, ...) and `options` is not the full list. */
  externalOptions: z.boolean().optional(),
});
export const propertiesResponseSchema = z.looseObject({ results: z.array(propertyDefinitionSchema) });
export type PropertyDefinition = z.infer<typeof propertyDefinitionSchema>;

function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out === '' ? '(body)' : out;
}

/** Parses a response body, or throws naming the endpoint and each wrong field. */
export function parseResponse<T>(schema: z.ZodType<T>, body: unknown, connector: string, endpoint: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join('; ');
  throw new VendorResponseError(`${connector}: ${endpoint} answered with an unexpected shape: ${issues}`, {
    connector,
    endpoint,
    issues,
  });
}
