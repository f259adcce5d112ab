/** Report rows from the state store: open conflicts, dead letters, and a stale sync. */
import type { DeadLetterRow, StateStore } from '../../state/index.js';
import type { SyncDefinition } from '../pipeline/context.js';
import { emit, found, type Tally } from './classify.js';
import type { DriftCategory, DriftRow } from './report-schema.js';
import type { Scratch } from './scratch.js';

/** Open conflicts, dead letters and staleness: what the state store knows needs a person. */
export async function stateRows(
  sync: SyncDefinition,
  store: StateStore,
  now: Date,
  scratch: Scratch,
  tally: Tally,
): Promise<void> {
  const add = (category: DriftCategory, row: Row) => {
    emit(scratch, sync, found(tally, category, row));
  };
  for (const c of await store.conflicts(sync.name, 'open')) add('conflict', conflictRow(c));
  for (const d of await store.deadLetters(sync.name)) add('dead_letter', deadLetterRow(d));
  const limit = sync.config.staleAfterMs;
  if (limit !== undefined) {
    const last = await store.lastRun(sync.name, 'succeeded');
    const at = last?.finished_at ?? null;
    const age = at === null ? Number.POSITIVE_INFINITY : now.getTime() - Date.parse(at);
    if (age > limit)
      add('stale_sync', {
        crmId: null,
        erpId: null,
        label: sync.name,
        detail:
          at === null
            ? `no run of ${sync.name} has ever succeeded`
            : `the last successful run finished at ${at}, ${Math.round(age / 60_000)} min ago (staleAfterMs: ${limit})`,
        action: 'check `tandem status` and the daemon logs',
        repairable: false,
        fields: [],
      });
  }
}

type Row = Omit<DriftRow, 'urls' | 'category'>;

/** What a conflict of each kind means, in words for the reviewer. */
function conflictDetail(kind: string, field: string): string {
  if (kind === 'delete') return 'deleted on one side, edited on the other';
  if (kind === 'locked') return `${field} changed in the CRM, but the ERP record is locked`;
  if (kind === 'leave') return 'the CRM record left (onLeave), and its ERP record was not cancelled';
  return `both sides changed ${field}`;
}

function conflictRow(c: Awaited<ReturnType<StateStore['conflicts']>>[number]): Row {
  const value = (json: string): unknown => JSON.parse(json) as unknown;
  return {
    crmId: c.crm_id,
    erpId: c.erp_id,
    label: null,
    detail: conflictDetail(c.kind, c.field),
    action: `tandem conflicts resolve ${c.id} --take crm|erp`,
    repairable: false,
    fields: [
      {
        field: c.field,
        crm: value(c.crm_value),
        erp: value(c.erp_value),
        base: value(c.base_value),
        winner: 'manual',
        action: 'a person decides',
      },
    ],
  };
}

function deadLetterRow(d: DeadLetterRow): Row {
  const error = JSON.parse(d.error) as { message?: unknown; code?: unknown };
  const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
  return {
    // The record the write came from: a write to the erp came from a crm record.
    crmId: d.side === 'erp' ? d.record_id : null,
    erpId: d.side === 'crm' ? d.record_id : null,
    label: null,
    detail: `a write to the ${d.side} was given up on at ${d.stage}: ${message}`,
    action: `tandem dlq show ${d.id}; fix the cause, then tandem dlq retry ${d.id}`,
    repairable: false,
    fields: [],
  };
}
