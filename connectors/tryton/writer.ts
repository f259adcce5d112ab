/**
 * Writes a batch with Tryton's primitives. Tryton has no upsert and no idempotency header, so
 * an upsert without a target id is create-if-absent: the reference (the party `code`, or any
 * field the lookup can search) is looked up first, deactivated records included; the records
 * that exist are written, the rest created in one `create([vals, ...])`.
 *
 * Optimistic concurrency (concurrency.ts): an update planned on a version (`op.planned`, read at
 * pull time) fails with STALE_WRITE, unwritten, when the record (or, for a party, one of its contact
 * mechanisms, addresses or identifiers) changed since. Otherwise the `_timestamp`s read with that
 * check go in the write's context (`{"_timestamp": {"party.party,7": "...", ...}}`), so trytond
 * refuses with ConcurrencyException (STALE_WRITE too) an edit made in flight (trytond/model/modelsql.py
 * `__check_timestamp`). The engine re-plans a stale write from a fresh read; it never resends it.
 *
 * Tryton runs each call in one transaction: one bad record fails a whole `create` list or
 * multi-record `write`. The call is then replayed one record at a time so only that record fails
 * (write-jobs.ts).
 */
import type { RecordWriter, UpsertOperation, WriteOperation, WriteResult } from '../types.js';
import type { FieldCatalog } from './catalog.js';
import { readVersions } from './concurrency.js';
import type { TrytonConfig } from './config.js';
import { readCurrent } from './current.js';
import type { TrytonRpc } from './rpc.js';
import { createJobs, failed, runJobs, writeJobs, type Job, type Results } from './write-jobs.js';
import { findReferences, readCountries, readSaleUnits } from './write-lookups.js';
import { SALE } from './sale.js';
import { readPartyDefaults, writtenParty } from './sale-party.js';
import { nullSchema } from './schemas.js';
import { planArchives, planUpserts, type Follower, type PlanContext } from './write-plan.js';

export const MAX_WRITE_BATCH = 100;

/** Reads what planning needs: fields, countries, references, then versions and current state of the targets. */
async function readContext(
  rpc: TrytonRpc,
  catalog: FieldCatalog,
  config: TrytonConfig,
  object: string,
  ops: readonly UpsertOperation[],
): Promise<PlanContext> {
  const known = await catalog.fields(object);
  const countries = await readCountries(rpc, ops);
  const refs = await findReferences(rpc, object, ops);
  const target = (op: UpsertOperation): number | null =>
    op.targetId !== null ? Number(op.targetId) : (refs.get(op.ref.field)?.get(op.ref.value) ?? null);
  const ids = ops.map(target).filter((id): id is number => id !== null && Number.isInteger(id));
  // Versions first: an edit after this read is refused by trytond through the timestamps read here.
  const versions = await readVersions(rpc, object, ids);
  const state = await readCurrent(rpc, object, ids);
  const units = object === SALE ? await readSaleUnits(rpc, ops) : new Map<number, number>();
  const parties = object === SALE ? await readPartyDefaults(rpc, catalog, saleParties(ops)) : new Map();
  return { object, connector: rpc.name, config, known, countries, target, versions, state, units, parties };
}

/** The parties the sale writes set. */
const saleParties = (ops: readonly UpsertOperation[]): number[] =>
  ops.map((op) => writtenParty(op.fields)).filter((id): id is number => id !== null);

/** A second upsert of a reference created in this batch answers with the record the first created. */
function answerFollowers(followers: readonly Follower[], results: Results): void {
  for (const f of followers) {
    const lead = results[f.leader];
    results[f.index] = lead === undefined ? undefined : { ...lead, key: f.key, ...(lead.ok ? { created: false } : {}) };
  }
}

/** A sale's `cancel` button (trytond buttons take the ids); resolves the jobs' ids. */
async function cancelJobs(rpc: TrytonRpc, object: string, jobs: readonly Job[]): Promise<number[]> {
  const ids = jobs.map((j) => j.id as number);
  await rpc.model(object, 'cancel', [ids], nullSchema, { readOnly: false });
  return ids;
}

/**
 * The Tryton record writer: creates, then writes (updates and archives), then a sale's `cancel`
 * button where its write went through, then the followers' answers.
 */
export function createWriter(rpc: TrytonRpc, catalog: FieldCatalog, config: TrytonConfig): RecordWriter {
  return {
    async writeBatch(object: string, operations: readonly WriteOperation[]): Promise<WriteResult[]> {
      const results: Results = operations.map(() => undefined);
      const upserts = operations.flatMap((op, index) => (op.action === 'upsert' ? [{ op, index }] : []));
      const context = await readContext(
        rpc,
        catalog,
        config,
        object,
        upserts.map((u) => u.op),
      );
      const { creates, updates, cancels, followers } = planUpserts(context, upserts, results);
      updates.push(...planArchives(operations, results));
      await runJobs(results, creates, (group) => createJobs(rpc, object, group), true);
      await runJobs(results, updates, (group) => writeJobs(rpc, object, group), false);
      const unwritten = cancels.filter((j) => results[j.index]?.ok !== false);
      await runJobs(results, unwritten, (group) => cancelJobs(rpc, object, group), false);
      answerFollowers(followers, results);
      return results.map(
        (r, i) =>
          r ?? failed(operations[i]?.key ?? '', 'NO_RESULT', 'no outcome was recorded for this operation', true),
      );
    },
  };
}
