/**
 * Syncs whose mappings reference another sync's links (a contact's company) run after that sync:
 * companies before the contacts that point at them.
 */
/** What ordering needs of a sync: the syncs its mapping references (a `SyncDefinition` has it). */
interface Referencing {
  readonly mapping: { readonly references: readonly string[] };
}

/** The syncs `name` depends on, transitively, in the order they must run (without `name`). */
export function dependenciesOf(syncs: Readonly<Record<string, Referencing>>, name: string): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (current: string): void => {
    if (order.includes(current) || visiting.has(current)) return;
    visiting.add(current);
    for (const dep of syncs[current]?.mapping.references ?? []) if (syncs[dep] !== undefined) visit(dep);
    visiting.delete(current);
    order.push(current);
  };
  visit(name);
  return order.filter((s) => s !== name);
}
