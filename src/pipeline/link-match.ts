/**
 * A person settles an ambiguous first-contact match (`tandem matches link`, the console): the record
 * and the chosen candidate are read now, checked, and linked in the state store, which also parks the
 * record so that the next run merges the pair as a first contact (a value beats an empty field, the
 * owner policy decides real differences). See state/ambiguous-link.ts.
 */
import type { AmbiguousMatch, StateStore } from '../../state/index.js';
import { TandemError } from '../errors.js';
import type { Side } from '../mapping/resolver.js';
import type { SyncDefinition } from './context.js';
import { connectorOf, fieldsOf, objectOf, other } from './sides.js';

export interface LinkRequest {
  /** The ambiguous record's id, as `tandem matches list` shows it; `crm:` / `erp:` picks the side. */
  readonly record: string;
  readonly candidate: string;
}

export interface LinkOutcome {
  readonly sync: string;
  readonly side: Side;
  readonly crmId: string;
  readonly erpId: string;
}

/** `crm:12` / `erp:12` / `12`: the side (when given) and the id. */
export function parseRecordRef(text: string): { side?: Side; id: string } {
  const m = /^(crm|erp):(.+)$/.exec(text.trim());
  return m === null ? { id: text.trim() } : { side: m[1] as Side, id: m[2] ?? '' };
}

/**
 * The ambiguous match a person names; a clear error when there is none or the id is on both sides.
 * Its `side` is the side of its candidates (where a write would go); the record is of the other side.
 */
export async function findMatch(store: StateStore, sync: string, recordRef: string): Promise<AmbiguousMatch> {
  const { side, id } = parseRecordRef(recordRef);
  // A match is kept under its candidates' side: the record is of the other one.
  const found = (await store.ambiguousMatches(sync)).filter(
    (m) => m.recordId === id && (side === undefined || other(m.side) === side),
  );
  const [match, second] = found;
  if (match === undefined)
    throw new TandemError(
      'NO_SUCH_MATCH',
      `sync "${sync}" has no ambiguous match for record ${recordRef}; see tandem matches list ${sync}`,
    );
  if (second !== undefined)
    throw new TandemError(
      'USAGE',
      `record ${id} is ambiguous on both sides of "${sync}": write crm:${id} or erp:${id}`,
    );
  return match;
}

/** Links the named ambiguous record to `candidate` (one of its candidates); the next run merges them. */
export async function linkMatch(sync: SyncDefinition, store: StateStore, request: LinkRequest): Promise<LinkOutcome> {
  const match = await findMatch(store, sync.name, request.record);
  const { recordId } = match;
  const them = match.side;
  const side = other(them);
  if (!match.candidates.includes(request.candidate))
    throw new TandemError(
      'NOT_A_CANDIDATE',
      `${them} record ${request.candidate} is not a candidate of ${side} record ${recordId} in "${sync.name}"` +
        (match.candidates.length === 0
          ? ': it has none (records of its own side share its key); correct or merge them instead'
          : `; its candidates are ${match.candidates.join(', ')}`),
    );
  const [record] = await readById(sync, side, recordId);
  if (record === undefined || record.deleted)
    throw new TandemError(
      'RECORD_GONE',
      `${side} record ${recordId} of "${sync.name}" is gone or archived; nothing linked`,
    );
  const [candidate] = await readById(sync, them, request.candidate);
  if (candidate === undefined || candidate.deleted)
    throw new TandemError(
      'RECORD_GONE',
      `${them} record ${request.candidate} of "${sync.name}" is gone or archived; nothing linked`,
    );
  const linked = await store.linkAmbiguousMatch({ sync: sync.name, side, record, candidateId: candidate.id });
  if (!linked)
    throw new TandemError('NO_SUCH_MATCH', `the ambiguous match of ${side} record ${recordId} was settled meanwhile`);
  const [crmId, erpId] = side === 'crm' ? [recordId, candidate.id] : [candidate.id, recordId];
  return { sync: sync.name, side, crmId, erpId };
}

function readById(sync: SyncDefinition, side: Side, id: string) {
  const connector = connectorOf(sync, side);
  return connector.lookup.findBy(objectOf(sync, side), connector.capabilities.idField, [id], fieldsOf(sync, side));
}
