/**
 * Every mapped field checked against the connectors' live field lists (HubSpot's properties API,
 * Odoo's and Tryton's `fields_get`) before a run writes anything: a misspelt or
 * deleted property would otherwise be written as nothing on one side and dead-letter the other.
 * `tandem validate`, `run`, `backfill` and `start` all use this one check.
 */
import type { FieldDescription } from '../../connectors/types.js';
import { isConfigError, type ConfigError } from '../errors.js';
import type { SyncDefinition } from './context.js';
import { loadMapping } from '../mapping/load.js';

export interface LiveCheck {
  /** Unknown or read-only fields, each at its line in the mapping file, with the nearest real field. */
  readonly problems: readonly ConfigError[];
  /** Objects that could not be described (the vendor unreachable, no permission): `sync: object: reason`. */
  readonly unreachable: readonly string[];
  /** What was checked and found good: `{ sync, object, mapped }` per side. */
  readonly checked: readonly { readonly sync: string; readonly object: string; readonly mapped: number }[];
}

/** Describes each side of each sync once and loads its mapping again against the live lists. */
export async function checkLiveFields(
  syncs: readonly SyncDefinition[],
  syncNames: readonly string[],
): Promise<LiveCheck> {
  const problems: ConfigError[] = [];
  const unreachable: string[] = [];
  const checked: { sync: string; object: string; mapped: number }[] = [];
  for (const sync of syncs) {
    const sides = [
      { connector: sync.crm, object: sync.mapping.crmObject, fields: sync.mapping.crmFields },
      { connector: sync.erp, object: sync.mapping.erpObject, fields: sync.mapping.erpFields },
    ];
    const described: (readonly FieldDescription[])[] = [];
    for (const side of sides) {
      try {
        described.push((await side.connector.schema.describe(side.object)).fields);
      } catch (error) {
        unreachable.push(
          `sync ${sync.name}: cannot describe ${side.object}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const [crmFields, erpFields] = described;
    if (crmFields === undefined || erpFields === undefined) continue;
    try {
      loadMapping(sync.mapping.file, { crmFields, erpFields, syncs: syncNames });
      for (const side of sides) checked.push({ sync: sync.name, object: side.object, mapped: side.fields.length });
    } catch (error) {
      if (!isConfigError(error)) throw error;
      problems.push(error);
    }
  }
  return { problems, unreachable, checked };
}
