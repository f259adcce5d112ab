/** Side-generic access to a sync: its object, fields, connector and references per side. */
import type { SourceRecord } from '../../connectors/types.js';
import type { Side } from '../mapping/resolver.js';
import type { RuntimeConnector } from '../runtime/instrument.js';
import type { SyncDefinition } from './context.js';

export const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');

export const objectOf = (sync: SyncDefinition, side: Side): string =>
  side === 'crm' ? sync.mapping.crmObject : sync.mapping.erpObject;

export const fieldsOf = (sync: SyncDefinition, side: Side): readonly string[] =>
  side === 'crm' ? sync.mapping.crmFields : sync.mapping.erpFields;

export const connectorOf = (sync: SyncDefinition, side: Side): RuntimeConnector =>
  side === 'crm' ? sync.crm : sync.erp;

/**
 * The reference by which `target` finds the counterpart of `record` (a record of the other side)
 * without a link: ERP `ref = HS-<id>`, or the CRM field the mapping declares for ERP ids.
 */
export function referenceFor(
  sync: SyncDefinition,
  target: Side,
  record: SourceRecord,
): { field: string; value: string } | undefined {
  const reference = target === 'erp' ? sync.mapping.reference : sync.mapping.crmReference;
  return reference === undefined ? undefined : { field: reference.field, value: reference.value(record) };
}

/** [crm id, erp id] of a pair, given the ids of a record of `side` and of its counterpart. */
export const pairIds = (side: Side, id: string, otherId: string): [string, string] =>
  side === 'crm' ? [id, otherId] : [otherId, id];

/** The sides a sync reads: both for `direction: both`, else the CRM. */
export const sidesOf = (sync: SyncDefinition): Side[] => (sync.config.direction === 'both' ? ['crm', 'erp'] : ['crm']);
