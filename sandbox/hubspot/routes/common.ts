/** What every route module needs: the store, the partial-failure fault, request-body parsing and the object parameter. */
import { z } from 'zod';
import type { AssociationStore } from '../associations.js';
import { validationError } from '../errors.js';
import { type ObjectType, isObjectType } from '../properties.js';
import type { HubspotStore } from '../store.js';
import type { RejectInputs } from '../writes.js';

export interface RouteContext {
  readonly store: HubspotStore;
  /** The partial-failure fault: which inputs of a batch write to reject, if any. */
  readonly rejectInputs?: RejectInputs;
  /** The v4 associations (deal <-> contact, company, line item). */
  readonly associations: AssociationStore;
}

/** `PublicAssociationsForObject`: what a create may associate the new record with. */
export const associationsInput = z
  .array(
    z.object({
      to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
      types: z.array(z.object({ associationCategory: z.string(), associationTypeId: z.number().int() })),
    }),
  )
  .optional();

/** HubSpot's upper-case singular name of an object type in batch read messages (`CONTACT`, `LINE_ITEM`). */
export const OBJECT_LABELS: Readonly<Record<ObjectType, string>> = {
  contacts: 'CONTACT',
  companies: 'COMPANY',
  deals: 'DEAL',
  products: 'PRODUCT',
  line_items: 'LINE_ITEM',
};

/** The largest `inputs` array a batch endpoint accepts. */
export const MAX_BATCH_INPUTS = 100;

export function objectParam(params: unknown): ObjectType {
  const value = (params as { object?: string }).object ?? '';
  // HubSpot's answer for an object type it does not know.
  if (!isObjectType(value)) throw validationError(`Unable to infer object type from: ${value}`);
  return value;
}

/** Parses a JSON body; a wrong shape is HubSpot's 400 "Invalid input JSON". */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw validationError(`Invalid input JSON: ${issues}`, {
    errors: parsed.error.issues.map((i) => ({ message: i.message, in: i.path.join('.') })),
  });
}

export function checkBatchSize(inputs: readonly unknown[]): void {
  if (inputs.length > MAX_BATCH_INPUTS) {
    // Guessed wording; the limit of 100 inputs per batch is documented on each batch endpoint.
    throw validationError(
      `Batch input limit exceeded: ${inputs.length} inputs were sent; the maximum is ${MAX_BATCH_INPUTS}.`,
      {
        context: { inputs: [String(inputs.length)] },
      },
    );
  }
}

export function booleanParam(value: unknown): boolean {
  return value === true || value === 'true';
}

export function batchEnvelope<R, E>(startedAt: string, results: R[], errors: E[]): Record<string, unknown> {
  return {
    status: 'COMPLETE',
    results,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    requestedAt: startedAt,
    startedAt,
    completedAt: new Date().toISOString(),
  };
}
