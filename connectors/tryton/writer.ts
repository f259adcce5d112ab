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
 * multi-record `write`. The call is then replayed one record at a time so only that record fails.
 */
import {
  STALE_WRITE,
  type RecordWriter,
  type UpsertOperation,
  type WriteOperation,
  type WriteResult,
} from '../types.js';
import type { FieldCatalog, TrytonField } from './catalog.js';
import type { TrytonConfig } from './config.js';
import { CONCURRENCY, isAuthFailure, toWriteFailure } from './errors.js';
import { isNewer, readVersions } from './concurrency.js';
import { readCurrent } from './current.js';
import { PARTY, partyValues } from './party.js';
import type { TrytonRpc } from './rpc.js';
import { countriesSchema, idsSchema, nullSchema, rowsSchema } from './schemas.js';
import { toTrytonValue } from './values.js';
import { VendorError } from '../../src/errors.js';

export const MAX_WRITE_BATCH = 100;

type Results = Array<WriteResult | undefined>;
type Vals = Record<string, unknown>;

/** One record's write: its target, values and `_timestamp` context entries, and the operation it answers. */
interface Job {
  readonly index: number;
  readonly key: string;
  readonly id: number | null;
  readonly vals: Vals;
  readonly timestamps: Readonly<Record<string, string>>;
}

const failed = (key: string, code: string, message: string, retryable = false): WriteResult => ({
  key,
  ok: false,
  error: { code, message, retryable },
});

/** A multi-record call failed for one record's reason: worth replaying one record at a time. */
const splittable = (error: unknown): boolean =>
  error instanceof VendorError && !isAuthFailure(error) && (!error.retryable || error.code === CONCURRENCY);

export function createWriter(rpc: TrytonRpc, catalog: FieldCatalog, config: TrytonConfig): RecordWriter {
  const write = (model: string, jobs: readonly Job[]): Promise<null> =>
    rpc.model(
      model,
      'write',
      jobs.flatMap((j) => [[j.id], j.vals]),
      nullSchema,
      {
        readOnly: false,
        context: { _timestamp: Object.assign({}, ...jobs.map((j) => j.timestamps)) as Record<string, string> },
      },
    );

  /** Runs `call` for all jobs at once, then one by one when a record spoiled the group. */
  async function run(
    results: Results,
    jobs: readonly Job[],
    call: (group: readonly Job[]) => Promise<readonly number[]>,
    created: boolean,
  ): Promise<void> {
    if (jobs.length === 0) return;
    const settle = (group: readonly Job[], ids: readonly number[]): void =>
      group.forEach((j, i) => (results[j.index] = { key: j.key, ok: true, id: String(ids[i] ?? j.id), created }));
    const fail = (group: readonly Job[], error: unknown): void => {
      const failure = toWriteFailure(error);
      if (failure === undefined || isAuthFailure(error)) throw error;
      for (const j of group) results[j.index] = { key: j.key, ok: false, error: failure };
    };
    try {
      settle(jobs, await call(jobs));
      return;
    } catch (error) {
      if (!(jobs.length > 1 && splittable(error))) return fail(jobs, error);
    }
    for (const job of jobs) {
      try {
        settle([job], await call([job]));
      } catch (error) {
        fail([job], error);
      }
    }
  }

  async function countries(ops: readonly UpsertOperation[]): Promise<Map<string, number>> {
    const codes = [
      ...new Set(
        ops.map((op) => op.fields['country_code']).filter((c): c is string => typeof c === 'string' && c !== ''),
      ),
    ].map((c) => c.toUpperCase());
    if (codes.length === 0) return new Map();
    const rows = await rpc.model(
      'country.country',
      'search_read',
      [[['code', 'in', codes]], 0, null, null, ['code']],
      countriesSchema,
      {
        readOnly: true,
      },
    );
    return new Map(rows.filter((r) => r.code !== null).map((r) => [r.code as string, r.id]));
  }

  return {
    async writeBatch(object: string, operations: readonly WriteOperation[]): Promise<WriteResult[]> {
      const results: Results = operations.map(() => undefined);
      const known = await catalog.fields(object);
      const upserts = operations.flatMap((op, index) => (op.action === 'upsert' ? [{ op, index }] : []));
      const byCode = await countries(upserts.map((u) => u.op));

      // Create-if-absent: find the references of operations without a target, oldest record first.
      const refs = new Map<string, Map<string, number>>();
      for (const field of new Set(upserts.filter((u) => u.op.targetId === null).map((u) => u.op.ref.field))) {
        const values = [
          ...new Set(
            upserts.filter((u) => u.op.targetId === null && u.op.ref.field === field).map((u) => u.op.ref.value),
          ),
        ];
        const rows = await rpc.model(
          object,
          'search_read',
          [[[field, 'in', values]], 0, null, [['id', 'ASC']], [field]],
          rowsSchema,
          {
            readOnly: true,
            context: { active_test: false },
          },
        );
        const found = new Map<string, number>();
        for (const row of rows)
          if (typeof row[field] === 'string' && !found.has(row[field])) found.set(row[field], row.id);
        refs.set(field, found);
      }

      const target = (op: UpsertOperation): number | null =>
        op.targetId !== null ? Number(op.targetId) : (refs.get(op.ref.field)?.get(op.ref.value) ?? null);
      const ids = upserts.map((u) => target(u.op)).filter((id): id is number => id !== null && Number.isInteger(id));
      // Versions first: an edit after this read is refused by trytond through the timestamps read here.
      const versions = await readVersions(rpc, object, ids);
      const state = await readCurrent(rpc, object, ids);
      const typed = (fields: Readonly<Record<string, unknown>>): Vals =>
        Object.fromEntries(
          Object.entries(fields).map(([k, v]) => [k, toTrytonValue(v, (known[k] as TrytonField | undefined)?.type)]),
        );

      const updates: Job[] = [];
      const creates: Job[] = [];
      const leaders = new Map<string, number>();
      const followers: Array<{ index: number; key: string; leader: number }> = [];
      for (const { op, index } of upserts) {
        const id = target(op);
        const now = id === null ? undefined : state.get(id);
        if (id !== null && now === undefined) {
          results[index] = failed(op.key, 'NOT_FOUND', `${object} ${op.targetId ?? id} does not exist in Tryton`);
          continue;
        }
        const version = id === null ? undefined : versions.get(id);
        if (op.planned !== undefined && version !== undefined && isNewer(version.version, op.planned.version)) {
          const message = `${object} ${id} changed after this write was planned (version ${op.planned.version}, now ${version.version}): nothing written`;
          results[index] = failed(op.key, STALE_WRITE, `${rpc.name}: ${message}`, true);
          continue;
        }
        const refKey = `${op.ref.field}\u0000${op.ref.value}`;
        const leader = id === null ? leaders.get(refKey) : undefined;
        if (leader !== undefined) {
          followers.push({ index, key: op.key, leader });
          continue;
        }
        let vals: Vals;
        try {
          const fields = id === null ? { ...op.fields, [op.ref.field]: op.ref.value } : op.fields;
          vals =
            object === PARTY
              ? typed(
                  partyValues(fields, now, {
                    taxIdentifierType: config.taxIdentifierType,
                    countryId: (c) => byCode.get(c),
                  }),
                )
              : typed(fields);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          results[index] = failed(op.key, 'VALIDATION_ERROR', `${rpc.name}: ${error.message}`);
          continue;
        }
        if (id === null) {
          leaders.set(refKey, index);
          creates.push({ index, key: op.key, id: null, vals, timestamps: {} });
        } else if (Object.keys(vals).length === 0)
          results[index] = { key: op.key, ok: true, id: String(id), created: false };
        else updates.push({ index, key: op.key, id, vals, timestamps: version?.timestamps ?? {} });
      }
      operations.forEach((op, index) => {
        if (op.action !== 'archive') return;
        const id = Number(op.targetId);
        if (!Number.isInteger(id))
          results[index] = failed(op.key, 'NOT_FOUND', `tryton ids are integers, not ${JSON.stringify(op.targetId)}`);
        else updates.push({ index, key: op.key, id, vals: { active: false }, timestamps: {} });
      });

      await run(
        results,
        creates,
        (group) => rpc.model(object, 'create', [group.map((j) => j.vals)], idsSchema, { readOnly: false }),
        true,
      );
      await run(
        results,
        updates,
        async (group) => (await write(object, group), group.map((j) => j.id as number)),
        false,
      );
      // A second upsert of a reference created in this batch answers with the record the first created.
      for (const f of followers) {
        const lead = results[f.leader];
        results[f.index] =
          lead === undefined ? undefined : { ...lead, key: f.key, ...(lead.ok ? { created: false } : {}) };
      }
      return results.map(
        (r, i) =>
          r ?? failed(operations[i]?.key ?? '', 'NO_RESULT', 'no outcome was recorded for this operation', true),
      );
    },
  };
}
