/**
 * Writes batches: operations with a target id go to `batch/update`, the others to `batch/upsert`
 * with their reference field as `idProperty` (which must be a unique property), archives to
 * `batch/archive`. At most 100 inputs per request, and never the same reference twice in one.
 *
 * Each input carries an `objectWriteTraceId` (its index): HubSpot echoes it on results and puts it
 * in the `context` of a 207's per-input errors, which is how a failure finds its operation
 * (https://developers.hubspot.com/docs/api-reference/error-handling, "Multi-status errors").
 * Without it, errors are matched by `context.ids`; whatever stays unexplained is re-sent one by one
 * (write-match.ts, write-send.ts).
 * A per-input error is retryable (the operation stays in the outbox) only when its category is
 * transient (`TRANSIENT_CATEGORIES`: rate limits, HubSpot's internal errors); any other category is
 * permanent and its operation goes to the dead letters, while the rest of the batch goes through.
 */
import { TransportError, VendorError } from '../../src/errors.js';
import type { ArchiveOperation, RecordWriter, UpsertOperation, WriteOperation, WriteResult } from '../types.js';
import type { HubspotClient } from './client.js';
import { isVirtualField } from './deal-fields.js';
import type { PropertyCatalog } from './describe.js';
import { MAX_BATCH_INPUTS } from './objects.js';
import type { Kind } from './write-match.js';
import { failAll, failOne, groupUpserts } from './write-ops.js';
import { sendBatch, unknownOutcome } from './write-send.js';

/** Sends `ops` to the `kind` endpoint in requests of at most {@link MAX_BATCH_INPUTS}. */
async function sendChunks(
  client: HubspotClient,
  kind: Kind,
  object: string,
  ops: readonly WriteOperation[],
): Promise<WriteResult[]> {
  const out: WriteResult[] = [];
  for (let i = 0; i < ops.length; i += MAX_BATCH_INPUTS)
    out.push(...(await sendBatch(client, kind, object, ops.slice(i, i + MAX_BATCH_INPUTS))));
  return out;
}

/**
 * Upserts by reference: only a unique property can be `idProperty`, so the object's unique
 * properties are read first; upserts by any other field fail without a request.
 */
async function writeUpserts(
  client: HubspotClient,
  catalog: PropertyCatalog,
  object: string,
  upserts: readonly UpsertOperation[],
): Promise<WriteResult[]> {
  if (upserts.length === 0) return [];
  let unique: ReadonlySet<string>;
  try {
    unique = await catalog.uniqueProperties(object);
  } catch (error) {
    const retryable = error instanceof TransportError || (error instanceof VendorError && error.retryable);
    return failAll(upserts, {
      code: 'SCHEMA_UNAVAILABLE',
      message: `${client.name}: cannot read ${object} properties: ${(error as Error).message}`,
      retryable,
    });
  }
  const out: WriteResult[] = [];
  for (const [field, batch] of groupUpserts(upserts, MAX_BATCH_INPUTS)) {
    if (!unique.has(field)) {
      out.push(
        ...failAll(batch, {
          code: 'VALIDATION_ERROR',
          message: `${client.name}: ${object}.${field} is not a unique property (hasUniqueValue), so it cannot be an upsert idProperty`,
          retryable: false,
        }),
      );
    } else {
      out.push(...(await sendBatch(client, 'upsert', object, batch, field)));
    }
  }
  return out;
}

/**
 * The operation without a deal's read-only virtual fields (`associations`, `line_items`): they are
 * no HubSpot properties, and HubSpot refuses a whole batch that names one (PROPERTY_DOESNT_EXIST).
 */
export function withoutVirtualFields(object: string, op: WriteOperation): WriteOperation {
  if (op.action !== 'upsert' || !Object.keys(op.fields).some((name) => isVirtualField(object, name))) return op;
  const fields = Object.fromEntries(Object.entries(op.fields).filter(([name]) => !isVirtualField(object, name)));
  return { ...op, fields };
}

/** The HubSpot record writer: updates, then upserts by reference, then archives. */
export function createWriter(client: HubspotClient, catalog: PropertyCatalog): RecordWriter {
  return {
    async writeBatch(object: string, requested: readonly WriteOperation[]): Promise<WriteResult[]> {
      const operations = requested.map((op) => withoutVirtualFields(object, op));
      const updates = operations.filter((op): op is UpsertOperation => op.action === 'upsert' && op.targetId !== null);
      const upserts = operations.filter((op): op is UpsertOperation => op.action === 'upsert' && op.targetId === null);
      const archives = operations.filter((op): op is ArchiveOperation => op.action === 'archive');
      const results = new Map<string, WriteResult>();
      const record = (list: readonly WriteResult[]): void => list.forEach((r) => results.set(r.key, r));
      record(await sendChunks(client, 'update', object, updates));
      record(await writeUpserts(client, catalog, object, upserts));
      record(await sendChunks(client, 'archive', object, archives));
      return operations.map((op) => results.get(op.key) ?? failOne(op, unknownOutcome(client.name, op)));
    },
  };
}
