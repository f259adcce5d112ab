/**
 * Writes batches: operations with a target id go to `batch/update`, the others to `batch/upsert`
 * with their reference field as `idProperty` (which must be a unique property), archives to
 * `batch/archive`. At most 100 inputs per request, and never the same reference twice in one.
 *
 * Each input carries an `objectWriteTraceId` (its index): HubSpot echoes it on results and puts it
 * in the `context` of a 207's per-input errors, which is how a failure finds its operation
 * (https://developers.hubspot.com/docs/api-reference/error-handling, "Multi-status errors").
 * Without it, errors are matched by `context.ids`; whatever stays unexplained is re-sent one by one.
 * A per-input error is retryable (the operation stays in the outbox) only when its category is
 * transient (`TRANSIENT_CATEGORIES`: rate limits, HubSpot's internal errors); any other category is
 * permanent and its operation goes to the dead letters, while the rest of the batch goes through.
 */
import { TransportError, VendorError } from '../../src/errors.js';
import type { ArchiveOperation, RecordWriter, UpsertOperation, WriteOperation, WriteResult } from '../types.js';
import type { HubspotClient } from './client.js';
import type { PropertyCatalog } from './describe.js';
import { MAX_BATCH_INPUTS } from './objects.js';
import { type BatchResponse, type StandardError, batchResponseSchema, parseResponse } from './schemas.js';
import { failAll, failOne, failure, groupUpserts, toProperties } from './write-ops.js';

type Kind = 'update' | 'upsert' | 'archive';

export function createWriter(client: HubspotClient, catalog: PropertyCatalog): RecordWriter {
  async function send(
    kind: Kind,
    object: string,
    ops: readonly WriteOperation[],
    idProperty?: string,
  ): Promise<WriteResult[]> {
    const path = `/crm/v3/objects/${encodeURIComponent(object)}/batch/${kind}`;
    const inputs = ops.map((op, i) => {
      if (op.action === 'archive') return { id: op.targetId };
      if (kind === 'update')
        return { id: op.targetId ?? '', objectWriteTraceId: String(i), properties: toProperties(op.fields) };
      const properties = toProperties(op.fields);
      delete properties[op.ref.field];
      return { id: op.ref.value, idProperty, objectWriteTraceId: String(i), properties };
    });
    let body: BatchResponse | undefined;
    try {
      const response = await client.send({
        method: 'POST',
        path,
        json: { inputs },
        ok: [200, 201, 204, 207],
        idempotent: true,
      });
      if (kind === 'archive')
        return ops.map((op) => ({ key: op.key, ok: true, id: (op as ArchiveOperation).targetId, created: false }));
      body = parseResponse(batchResponseSchema, response.body, client.name, `POST ${path}`);
    } catch (error) {
      if (error instanceof TransportError)
        return failAll(ops, { code: 'TRANSPORT_ERROR', message: error.message, retryable: true });
      if (!(error instanceof VendorError)) throw error;
      // A 400 for the whole batch may come from one bad input: isolate it by sending each alone.
      if (error.status === 400 && ops.length > 1) return sendEach(kind, object, ops, idProperty);
      const vendor = {
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(typeof error.details['body'] === 'string' ? { body: error.details['body'] } : {}),
      };
      return failAll(ops, { code: error.code, message: error.message, retryable: error.retryable, vendor });
    }
    return matchResults(kind, object, ops, body, idProperty);
  }

  async function sendEach(
    kind: Kind,
    object: string,
    ops: readonly WriteOperation[],
    idProperty?: string,
  ): Promise<WriteResult[]> {
    const out: WriteResult[] = [];
    for (const op of ops) out.push(...(await send(kind, object, [op], idProperty)));
    return out;
  }

  async function matchResults(
    kind: Kind,
    object: string,
    ops: readonly WriteOperation[],
    body: BatchResponse,
    idProperty?: string,
  ): Promise<WriteResult[]> {
    const outcome = new Map<number, WriteResult>();
    const upserts = ops as readonly UpsertOperation[];
    const indexOf = (traceId: string | undefined, matches: (op: UpsertOperation) => boolean): number => {
      const n = traceId === undefined ? NaN : Number(traceId);
      if (Number.isInteger(n) && n >= 0 && n < ops.length) return n;
      return upserts.findIndex((op, i) => !outcome.has(i) && matches(op));
    };
    const sameRef = (op: UpsertOperation, value: string | null | undefined): boolean =>
      value !== null &&
      value !== undefined &&
      (value === op.ref.value || (idProperty === 'email' && value.toLowerCase() === op.ref.value.toLowerCase()));

    for (const result of body.results) {
      const i = indexOf(result.objectWriteTraceId, (op) =>
        kind === 'update'
          ? op.targetId === result.id
          : sameRef(op, idProperty === undefined ? undefined : result.properties[idProperty]),
      );
      const op = ops[i];
      if (op !== undefined)
        outcome.set(i, { key: op.key, ok: true, id: result.id, created: kind === 'upsert' && result.new === true });
    }
    for (const error of body.errors ?? []) {
      for (const i of errorIndexes(error, upserts, kind, (n) => outcome.has(n))) {
        const op = ops[i];
        if (op !== undefined) outcome.set(i, { key: op.key, ok: false, error: failure(error) });
      }
    }
    const unexplained = ops.filter((_, i) => !outcome.has(i));
    if (unexplained.length > 0 && ops.length > 1) {
      const again = await sendEach(kind, object, unexplained, idProperty);
      const byKey = new Map(again.map((r) => [r.key, r]));
      return ops.map((op, i) => outcome.get(i) ?? byKey.get(op.key) ?? failOne(op, unknownOutcome(op)));
    }
    const lone = body.errors?.[0];
    return ops.map(
      (op, i) => outcome.get(i) ?? (lone !== undefined ? failOne(op, failure(lone)) : failOne(op, unknownOutcome(op))),
    );
  }

  function unknownOutcome(op: WriteOperation): { code: string; message: string; retryable: boolean } {
    return {
      code: 'UNKNOWN_OUTCOME',
      message: `${client.name}: HubSpot answered without a result or an error for ${op.key}`,
      retryable: true,
    };
  }

  return {
    async writeBatch(object: string, operations: readonly WriteOperation[]): Promise<WriteResult[]> {
      const results = new Map<string, WriteResult>();
      const record = (list: readonly WriteResult[]): void => list.forEach((r) => results.set(r.key, r));
      const updates = operations.filter((op): op is UpsertOperation => op.action === 'upsert' && op.targetId !== null);
      const upserts = operations.filter((op): op is UpsertOperation => op.action === 'upsert' && op.targetId === null);
      const archives = operations.filter((op): op is ArchiveOperation => op.action === 'archive');

      for (let i = 0; i < updates.length; i += MAX_BATCH_INPUTS)
        record(await send('update', object, updates.slice(i, i + MAX_BATCH_INPUTS)));
      if (upserts.length > 0) {
        let unique: ReadonlySet<string> | undefined;
        try {
          unique = await catalog.uniqueProperties(object);
        } catch (error) {
          const retryable = error instanceof TransportError || (error instanceof VendorError && error.retryable);
          record(
            failAll(upserts, {
              code: 'SCHEMA_UNAVAILABLE',
              message: `${client.name}: cannot read ${object} properties: ${(error as Error).message}`,
              retryable,
            }),
          );
        }
        if (unique !== undefined) {
          for (const [field, batch] of groupUpserts(upserts, MAX_BATCH_INPUTS)) {
            if (!unique.has(field)) {
              record(
                failAll(batch, {
                  code: 'VALIDATION_ERROR',
                  message: `${client.name}: ${object}.${field} is not a unique property (hasUniqueValue), so it cannot be an upsert idProperty`,
                  retryable: false,
                }),
              );
            } else {
              record(await send('upsert', object, batch, field));
            }
          }
        }
      }
      for (let i = 0; i < archives.length; i += MAX_BATCH_INPUTS)
        record(await send('archive', object, archives.slice(i, i + MAX_BATCH_INPUTS)));
      return operations.map((op) => results.get(op.key) ?? failOne(op, unknownOutcome(op)));
    },
  };
}

/** Which operations a per-input error is about: its objectWriteTraceId, else its `context.ids`. */
function errorIndexes(
  error: StandardError,
  ops: readonly UpsertOperation[],
  kind: Kind,
  taken: (i: number) => boolean,
): number[] {
  const traces = (error.context?.['objectWriteTraceId'] ?? [])
    .map(Number)
    .filter((n) => Number.isInteger(n) && n >= 0 && n < ops.length);
  if (traces.length > 0) return traces;
  const ids = new Set(error.context?.['ids'] ?? []);
  if (ids.size === 0) return [];
  return ops.flatMap((op, i) =>
    !taken(i) && ids.has(kind === 'update' ? (op.targetId ?? '') : op.ref.value) ? [i] : [],
  );
}
