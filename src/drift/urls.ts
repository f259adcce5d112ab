/** Record links for report rows. */
import type { SyncDefinition } from '../pipeline/context.js';
import type { DriftRow } from './report-schema.js';

/** Links to both records in the vendors' web UIs, where the connector knows the URL pattern. */
export function pairUrls(sync: SyncDefinition, row: Pick<DriftRow, 'crmId' | 'erpId'>): DriftRow['urls'] {
  const crm = row.crmId === null ? undefined : sync.crm.recordUrl?.(sync.mapping.crmObject, row.crmId);
  const erp = row.erpId === null ? undefined : sync.erp.recordUrl?.(sync.mapping.erpObject, row.erpId);
  return { ...(crm === undefined ? {} : { crm }), ...(erp === undefined ? {} : { erp }) };
}
