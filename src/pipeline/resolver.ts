/**
 * The reference resolver the pipeline gives the mapping: synchronous, answered from memory. A
 * miss is remembered; `prefetch(fn)` runs `fn`, fetches every miss in batches (links from the
 * state store, catalog values through the connectors), and runs `fn` again. One page costs one
 * query per kind of miss, however many records it holds.
 */
import type { StateStore } from '../../state/index.js';
import type { ReferenceResolver, Side } from '../mapping/resolver.js';
import type { RuntimeConnector } from '../runtime/instrument.js';

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

  /** Runs `fn`; if it missed anything, fetches the misses and runs it once more. */
  async prefetch<T>(fn: () => T): Promise<T> {
    const first = fn();
    if (this.missingLinks.size + this.missingIds.size + this.missingKeys.size === 0) return first;
    await this.fill();
    return fn();
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
      for (const value of values) {
        const hit = records.find((r) => String(r.fields[field] ?? '') === value);
        this.ids.set(`${side}\u0000${object}\u0000${field}\u0000${value}`, hit?.id ?? null);
      }
    }
    for (const { side, a: object, b: field, values } of this.missingKeys.values()) {
      const connector = this.connectors[side];
      const records = await connector.lookup.findBy(object, connector.capabilities.idField, [...values], [field]);
      for (const id of values) {
        const hit = records.find((r) => r.id === id);
        const key = hit?.fields[field];
        this.keys.set(
          `${side}\u0000${object}\u0000${field}\u0000${id}`,
          typeof key === 'string' || typeof key === 'number' ? String(key) : null,
        );
      }
    }
    this.missingLinks.clear();
    this.missingIds.clear();
    this.missingKeys.clear();
  }
}
