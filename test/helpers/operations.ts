/** Outbox operations and page commits for state store tests: one contact, Ada, unless overridden. */
import type { NewOperation, PageCommit } from '../../state/index.js';

export function operation(overrides: Partial<NewOperation> = {}): NewOperation {
  return {
    sync: 'contacts',
    targetSide: 'erp',
    object: 'res.partner',
    action: 'upsert',
    key: 'k1',
    sourceId: '101',
    targetId: null,
    ref: { field: 'ref', value: 'HS-101' },
    payload: { name: 'Ada' },
    payloadHash: 'h1',
    base: { name: 'Ada' },
    ...overrides,
  };
}

/** A CRM page of the contacts sync whose cursor ends at `modifiedAt`. */
export function crmPage(operations: readonly NewOperation[], modifiedAt = '2026-01-01T00:00:00.000Z'): PageCommit {
  return {
    sync: 'contacts',
    side: 'crm',
    cursor: { modifiedAt, lastId: '1' },
    operations,
    deadLetters: [],
    ambiguous: [],
  };
}
