/**
 * The validate and map stages: each record of a page becomes the other side's payload, is
 * filtered out (outside the mapping's filter), or goes to the dead letters with the reason.
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { NewDeadLetter } from '../../state/index.js';
import type { SyncDefinition } from './context.js';

export interface MappedRecord {
  readonly record: SourceRecord;
  /** The ERP payload, reference field included. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The value of the reference field: how the ERP record is found without a link. */
  readonly ref: string;
}

export interface MappedPage {
  readonly mapped: MappedRecord[];
  readonly filtered: number;
  readonly deadLetters: NewDeadLetter[];
}

export function mapPage(sync: SyncDefinition, records: readonly SourceRecord[]): MappedPage {
  // A record read twice in one page (a re-read at the cursor boundary) counts once: the latest wins.
  const latest = new Map<string, SourceRecord>();
  for (const record of records) latest.set(record.id, record);

  const mapped: MappedRecord[] = [];
  const deadLetters: NewDeadLetter[] = [];
  let filtered = 0;
  for (const record of latest.values()) {
    if (record.deleted) {
      // Delete propagation follows the sync's delete policy, which arrives with reconciliation.
      filtered++;
      continue;
    }
    const result = sync.mapping.toErp(record);
    if (result.ok) {
      mapped.push({ record, payload: result.fields, ref: String(result.fields[sync.mapping.reference.field]) });
    } else if (result.code === 'FILTERED') {
      filtered++;
    } else {
      deadLetters.push({
        sync: sync.name,
        side: 'erp',
        stage: 'map',
        recordId: record.id,
        payload: record.fields,
        error: { code: result.code, field: result.field, message: result.reason, mapping: sync.mapping.file },
      });
    }
  }
  return { mapped, filtered, deadLetters };
}
