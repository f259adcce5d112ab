/** What every route module needs: the store, the partial-failure fault, request-body parsing and the object parameter. */
import type { z } from 'zod';
import { validationError } from '../errors.js';
import { type ObjectType, isObjectType } from '../properties.js';
import type { HubspotStore } from '../store.js';
import type { RejectInputs } from '../writes.js';

export interface RouteContext {
  readonly store: HubspotStore;
  /** The partial-failure fault: which inputs of a batch write to reject, if any. */
  readonly rejectInputs?: RejectInputs;
}

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
