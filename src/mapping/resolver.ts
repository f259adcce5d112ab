/**
 * How a mapping reaches records it does not hold: linked records of another sync (a contact's
 * company -> the partner's `parent_id`) and catalog records of one side (`res.country` by code).
 *
 * The interface is synchronous on purpose: mapping stays a plain function with no I/O. The
 * pipeline prefetches what a page needs before mapping it: the link ids named by
 * `CompiledMapping.referencesOf(record, side)` (one batched query per page) and the catalogs in
 * `CompiledMapping.lookups` (once per run), and answers from memory.
 */

import type { Side } from '../side.js';

export type { Side };

export interface ReferenceResolver {
  /**
   * The id on `side` of the record that sync `sync` has linked to record `id` of the other side,
   * or undefined when it is not linked yet: the record then waits (`WAITING_REFERENCE`).
   * Example: `resolve('companies', 'erp', '1001')` -> the partner id linked to HubSpot company 1001.
   */
  resolve(sync: string, side: Side, id: string): string | undefined;
  /** The id of the `object` record on `side` whose `field` equals `value` (e.g. res.country by code). */
  lookup(side: Side, object: string, field: string, value: string): string | undefined;
  /** The reverse: the `field` value of the `object` record `id` on `side` (e.g. 57 -> "DE"). */
  lookupKey(side: Side, object: string, field: string, id: string): string | undefined;
}

/** A reference the mapping will resolve for a record: what to prefetch. */
export interface NeededLink {
  readonly sync: string;
  /** The side whose id is wanted. */
  readonly side: Side;
  /** The id on the other side. */
  readonly id: string;
}

/** A catalog a mapping looks values up in: load it once per run. */
export interface CatalogUse {
  readonly side: Side;
  readonly object: string;
  readonly field: string;
}

/** In-memory data for {@link staticResolver}. */
export interface StaticResolverData {
  /** Per sync: CRM id -> ERP id of each link. */
  readonly links?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Per `side:object:field`: key value -> record id (e.g. `erp:res.country:code` -> { DE: "57" }). */
  readonly catalogs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A resolver over fixed data: for tests, `tandem mapping test --links` and the benchmark. */
export function staticResolver(data: StaticResolverData): ReferenceResolver {
  const reverse = (table: Readonly<Record<string, string>>): Map<string, string> =>
    new Map(Object.entries(table).map(([key, id]) => [id, key]));
  const links = new Map(
    Object.entries(data.links ?? {}).map(([sync, table]) => [
      sync,
      { erp: new Map(Object.entries(table)), crm: reverse(table) },
    ]),
  );
  const catalogs = new Map(
    Object.entries(data.catalogs ?? {}).map(([key, table]) => [
      key,
      { byKey: new Map(Object.entries(table)), byId: reverse(table) },
    ]),
  );
  return {
    resolve: (sync, side, id) => links.get(sync)?.[side].get(id),
    lookup: (side, object, field, value) => catalogs.get(`${side}:${object}:${field}`)?.byKey.get(value),
    lookupKey: (side, object, field, id) => catalogs.get(`${side}:${object}:${field}`)?.byId.get(id),
  };
}
