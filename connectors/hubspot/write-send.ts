/**
 * Sends one HubSpot batch request (`batch/update`, `batch/upsert` or `batch/archive`) and turns its
 * answer into one result per operation. A 400 for a whole batch, or inputs the answer leaves
 * unexplained, are re-sent one by one so that one bad input fails alone.
 */
import { TransportError, VendorError } from '../../src/errors.js';
import type { ArchiveOperation, WriteFailure, WriteOperation, WriteResult } from '../types.js';
import type { HubspotClient } from './client.js';
import { type BatchResponse, batchResponseSchema, parseResponse } from './schemas.js';
import { matchOutcomes, type Kind } from './write-match.js';
import { failAll, failOne, failure, toProperties } from './write-ops.js';

/** The failure of an operation HubSpot answered neither with a result nor with an error (retryable). */
export function unknownOutcome(connector: string, op: WriteOperation): WriteFailure {
  return {
    code: 'UNKNOWN_OUTCOME',
    message: `${connector}: HubSpot answered without a result or an error for ${op.key}`,
    retryable: true,
  };
}

/** The request inputs, each traced by its index; an upsert's reference goes as `id`, not as a property. */
function toInputs(kind: Kind, ops: readonly WriteOperation[], idProperty?: string): unknown[] {
  return ops.map((op, i) => {
    if (op.action === 'archive') return { id: op.targetId };
    if (kind === 'update')
      return { id: op.targetId ?? '', objectWriteTraceId: String(i), properties: toProperties(op.fields) };
    const properties = toProperties(op.fields);
    delete properties[op.ref.field];
    return { id: op.ref.value, idProperty, objectWriteTraceId: String(i), properties };
  });
}

/** A failed request as the failure of its operations: the vendor's status and body kept for the dead letters. */
function requestFailure(error: VendorError): WriteFailure {
  const vendor = {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(typeof error.details['body'] === 'string' ? { body: error.details['body'] } : {}),
  };
  return { code: error.code, message: error.message, retryable: error.retryable, vendor };
}

/** Sends `ops` (at most one batch) to the `kind` endpoint; resolves one result per operation, in order. */
export async function sendBatch(
  client: HubspotClient,
  kind: Kind,
  object: string,
  ops: readonly WriteOperation[],
  idProperty?: string,
): Promise<WriteResult[]> {
  const path = `/crm/v3/objects/${encodeURIComponent(object)}/batch/${kind}`;
  let body: BatchResponse | undefined;
  try {
    const response = await client.send({
      method: 'POST',
      path,
      json: { inputs: toInputs(kind, ops, idProperty) },
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
    if (error.status === 400 && ops.length > 1) return sendEach(client, kind, object, ops, idProperty);
    return failAll(ops, requestFailure(error));
  }
  return settle(client, kind, object, ops, body, idProperty);
}

async function sendEach(
  client: HubspotClient,
  kind: Kind,
  object: string,
  ops: readonly WriteOperation[],
  idProperty?: string,
): Promise<WriteResult[]> {
  const out: WriteResult[] = [];
  for (const op of ops) out.push(...(await sendBatch(client, kind, object, [op], idProperty)));
  return out;
}

/** Results for every operation: matched ones, then the unexplained re-sent alone (or failed with the lone error). */
async function settle(
  client: HubspotClient,
  kind: Kind,
  object: string,
  ops: readonly WriteOperation[],
  body: BatchResponse,
  idProperty?: string,
): Promise<WriteResult[]> {
  const outcome = matchOutcomes(kind, ops, body, idProperty);
  const unknown = (op: WriteOperation): WriteResult => failOne(op, unknownOutcome(client.name, op));
  const unexplained = ops.filter((_, i) => !outcome.has(i));
  if (unexplained.length > 0 && ops.length > 1) {
    const again = await sendEach(client, kind, object, unexplained, idProperty);
    const byKey = new Map(again.map((r) => [r.key, r]));
    return ops.map((op, i) => outcome.get(i) ?? byKey.get(op.key) ?? unknown(op));
  }
  const lone = body.errors?.[0];
  return ops.map((op, i) => outcome.get(i) ?? (lone !== undefined ? failOne(op, failure(lone)) : unknown(op)));
}
