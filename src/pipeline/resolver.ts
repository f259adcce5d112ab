/**
 * The reference resolver the pipeline gives the mapping: synchronous, answered from memory. A
 * miss is remembered; `prefetch(fn)` runs `fn`, fetches every miss in batches (links from the
 * state store, catalog values through the connectors), and runs `fn` again, until nothing is
 * missed. One page costs one query per kind of miss, however many records it holds (a chain of
 * lookups: one per link of the chain).
 */
import type { SourceRecord } from '../../connectors/types.js';
import type { StateStore } from '../../state/index.js';
import type { ReferenceResolver, Side } from '../mapping/resolver.js';
import { fromVendor, StepFailure } from '../mapping/values.js';
import type { RuntimeConnector } from '../runtime/instrument.js';

/**
 * Rounds of fetching one `prefetch` may take: a chain of lookups (a currency code -> its
 * `res.currency` id -> the `product.pricelist` in that currency) learns each link's key only once
 * the one before it is answered, so it needs a round per link of the chain.
 */
const MAX_ROUNDS = 8;

/**
 * A catalog field's value as a lookup key: text or a number as text; Odoo's many2one pair
 * `[id, "name"]` as its id (a pricelist's `currency_id` is looked up by the currency's id); null
 * for an empty value or anything else.
 */
export function catalogKey(raw: unknown): string | null {
  try {
    const value = fromVendor(raw, false);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  } catch (error) {
    if (error instanceof StepFailure) return null;
    throw error;
  }
}

/** The record holding `value` in `field`: an active one before an archived one, then the first found (lowest id). */
function holder(records: readonly SourceRecord[], field: string, value: string): SourceRecord | undefined {
  const holders = records.filter((r) => catalogKey(r.fields[field]) === value);
  return holders.find((r) => !r.deleted) ?? holders[0];
}

type Pending = Map<string, { side: Side; a: string; b: string; values: Set<string> }>;

/**
 * Catalog answers kept for a whole run (`res.country` by code and by id): a catalog changes rarely,
 * and a run that asked once per page paid a request per page for the same countries (issue #14).
 * Links are never kept past a page: each page's commit makes new ones.
 */
export class CatalogMemo {
  /** `side, object, field, value` -> the record id, or null when none has it. */
  readonly ids = new Map<string, string | null>();
  /** `side, object, field, id` -> the record's `field` value, or null when unknown. */
  readonly keys = new Map<string, string | null>();
}

export class PrefetchingResolver implements ReferenceResolver {
  private readonly links = new Map<string, string | null>();
  private readonly keys: Map<string, string | null>;
  private readonly ids: Map<string, string | null>;
  private readonly missingLinks: Pending = new Map();
  private readonly missingIds: Pending = new Map();
  private readonly missingKeys: Pending = new Map();

  /** `catalogs`: answers shared with the other resolvers of the run; this resolver's own when absent. */
  constructor(
    private readonly store: StateStore,
    private readonly connectors: Readonly<Record<Side, RuntimeConnector>>,
    catalogs: CatalogMemo = new CatalogMemo(),
  ) {
    this.keys = catalogs.keys;
    this.ids = catalogs.ids;
  }

  resolve(sync: string, side: Side, id: string): string | undefined {
    return this.answer(this.links, this.missingLinks, side, sync, '', id);
  }

  lookup(side: Side, object: string, field: string, value: string): string | undefined {
    return this.answer(this.ids, this.missingIds, side, object, field, value);
  }

  lookupKey(side: Side, object: string, field: string, id: string): string | undefined {
    return this.answer(this.keys, this.missingKeys, side, object, field, id);
  }

  /**
   * Runs `fn`; while it missed anything, fetches the misses and runs it again (at most
   * {@link MAX_ROUNDS} fetches: each answers what the run before asked, so a chain of lookups
   * costs one round per link, and a record that needs nothing chained costs one).
   */
  async prefetch<T>(fn: () => T): Promise<T> {
    let result = fn();
    for (let round = 0; round < MAX_ROUNDS && this.missing() > 0; round++) {
      await this.fill();
      result = fn();
    }
    return result;
  }

  private missing(): number {
    return this.missingLinks.size + this.missingIds.size + this.missingKeys.size;
  }

  private answer(
    cache: Map<string, string | null>,
    missing: Pending,
    side: Side,
    a: string,
    b: string,
    value: string,
  ): string | undefined {
    const key = `${side}\u0000${a}\u0000${b}\u0000${value}`;
    const known = cache.get(key);
    if (known !== undefined) return known ?? undefined;
    const group = `${side}\u0000${a}\u0000${b}`;
    const entry = missing.get(group) ?? { side, a, b, values: new Set<string>() };
    entry.values.add(value);
    missing.set(group, entry);
    return undefined;
  }

  private async fill(): Promise<void> {
    for (const { side, a: sync, values } of this.missingLinks.values()) {
      const wanted = [...values];
      // `side` is the side whose id is wanted; the given ids are the other side's.
      const found = side === 'erp' ? await this.store.links(sync, wanted) : await this.store.linkedErpIds(sync, wanted);
      for (const id of wanted) {
        const hit = found.get(id);
        const other = hit === undefined ? null : typeof hit === 'string' ? hit : hit.erp_id;
        this.links.set(`${side}\u0000${sync}\u0000\u0000${id}`, other);
      }
    }
    for (const { side, a: object, b: field, values } of this.missingIds.values()) {
      const records = await this.connectors[side].lookup.findBy(object, field, [...values]);
      for (const value of values)
        this.ids.set(`${side}\u0000${object}\u0000${field}\u0000${value}`, holder(records, field, value)?.id ?? null);
      // Each record found also answers the way back (its id -> its key), which reading the other
      // side's value asks: a lookup's inverse then costs nothing more.
      for (const r of records)
        this.keys.set(`${side}\u0000${object}\u0000${field}\u0000${r.id}`, catalogKey(r.fields[field]));
    }
    for (const { side, a: object, b: field, values } of this.missingKeys.values()) {
      const connector = this.connectors[side];
      const records = await connector.lookup.findBy(object, connector.capabilities.idField, [...values], [field]);
      for (const id of values) {
        const hit = records.find((r) => r.id === id);
        this.keys.set(`${side}\u0000${object}\u0000${field}\u0000${id}`, catalogKey(hit?.fields[field]));
      }
    }
    this.missingLinks.clear();
    this.missingIds.clear();
    this.missingKeys.clear();
  }
}
