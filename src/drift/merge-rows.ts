/** Drift rows for linked pairs a merge on one side touched (src/pipeline/merges.ts). */
import type { Side } from '../mapping/resolver.js';
import type { SyncDefinition } from '../pipeline/context.js';
import { mergeMark } from '../pipeline/merges.js';
import type { DriftRow } from './report-schema.js';
import type { PairRow } from './scratch.js';

/**
 * A pair one side merged away is no delete: a duplicate whose link a merge marked waits for a
 * person (not repairable); a merge not handled yet is repaired by moving the link to the survivor.
 */
export function mergeRow(
  sync: SyncDefinition,
  pair: PairRow,
  gone: Side,
  merged: ReadonlyMap<string, string> | undefined,
): Pick<DriftRow, 'detail' | 'action' | 'repairable'> | undefined {
  const alive: Side = gone === 'crm' ? 'erp' : 'crm';
  const marked = mergeMark(pair.base);
  if (marked !== undefined) {
    const [side, survivor] = marked.split(':');
    return {
      detail: `the ${side ?? gone} record was merged into ${survivor ?? '?'}; this ${alive} record is now a duplicate of that one's counterpart`,
      action: `review it: merge the duplicate in the ${alive}, or keep it (an open merge conflict; merges: ${sync.config.merges})`,
      repairable: false,
    };
  }
  const goneId = gone === 'crm' ? pair.crm_id : pair.erp_id;
  const survivor = merged?.get(`${gone}:${goneId}`);
  if (survivor === undefined) return undefined;
  return {
    detail: `the ${gone} record was merged into ${survivor}; the ${alive} record is live`,
    action: `move the link to ${survivor}; a duplicate pair goes to merges: ${sync.config.merges}`,
    repairable: true,
  };
}
