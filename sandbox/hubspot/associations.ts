/**
 * Record associations as the v4 associations API models them: typed and directional on the wire
 * (deal -> contact is type 3, contact -> deal type 4), symmetric in the store (every association is
 * written in both directions, so either side reads it). A labeled type always comes with the
 * pair's unlabeled type, and a deal has at most one primary company (types 5 / 6): a new primary
 * demotes the old one to unlabeled. The type ids are HubSpot's defaults.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associate-records/guide
 * (Association type ID values)
 */
import type { ObjectType } from './properties.js';
import type { HubspotStore } from './store.js';

export interface AssociationType {
  readonly from: ObjectType;
  readonly to: ObjectType;
  readonly typeId: number;
  /** HubSpot's label; null for the unlabeled (default) type. */
  readonly label: string | null;
  /** The same association seen from the other side. */
  readonly inverse: number;
}

const pair = (from: ObjectType, to: ObjectType, typeId: number, inverse: number, label: string | null = null) => [
  { from, to, typeId, label, inverse },
  { from: to, to: from, typeId: inverse, label, inverse: typeId },
];

export const ASSOCIATION_TYPES: readonly AssociationType[] = [
  ...pair('deals', 'contacts', 3, 4),
  ...pair('deals', 'companies', 341, 342),
  ...pair('deals', 'companies', 5, 6, 'Primary'),
  ...pair('deals', 'line_items', 19, 20),
];

const PRIMARY_DEAL_TO_COMPANY = 5;
const PRIMARY_COMPANY_TO_DEAL = 6;

/** The types defined from one object to another; empty when HubSpot defines none the sandbox models. */
export function typesBetween(from: ObjectType, to: ObjectType): AssociationType[] {
  return ASSOCIATION_TYPES.filter((t) => t.from === from && t.to === to);
}

export function defaultType(from: ObjectType, to: ObjectType): AssociationType | undefined {
  return typesBetween(from, to).find((t) => t.label === null);
}

function ensureTable(store: HubspotStore): void {
  store.db.exec(`CREATE TABLE IF NOT EXISTS associations (
    from_type TEXT NOT NULL, from_id INTEGER NOT NULL, to_type TEXT NOT NULL, to_id INTEGER NOT NULL,
    type_id INTEGER NOT NULL, PRIMARY KEY (from_type, from_id, to_type, to_id, type_id)) WITHOUT ROWID`);
}

export interface AssociationStore {
  /** Adds `typeIds` (each defined from `from` to `to`) and the unlabeled type, in both directions. */
  associate(from: ObjectType, fromId: number, to: ObjectType, toId: number, typeIds: readonly number[]): void;
  /** The associated ids and their type ids, ascending by id. */
  list(from: ObjectType, fromId: number, to: ObjectType): { toId: number; typeIds: number[] }[];
  /** Removes every association between the two records, both directions. */
  removeAll(from: ObjectType, fromId: number, to: ObjectType, toId: number): void;
  /** Moves every association of `oldIds` to `newId` (a merge). */
  move(object: ObjectType, oldIds: readonly number[], newId: number): void;
}

export function associationStore(store: HubspotStore): AssociationStore {
  ensureTable(store);
  const db = store.db;
  const insert = db.prepare(
    'INSERT OR IGNORE INTO associations (from_type, from_id, to_type, to_id, type_id) VALUES (?, ?, ?, ?, ?)',
  );
  const removeType = db.prepare(
    'DELETE FROM associations WHERE from_type = ? AND from_id = ? AND to_type = ? AND type_id = ?',
  );
  const removeTypeTo = db.prepare(
    'DELETE FROM associations WHERE from_type = ? AND to_type = ? AND to_id = ? AND type_id = ?',
  );
  const removePair = db.prepare(
    'DELETE FROM associations WHERE from_type = ? AND from_id = ? AND to_type = ? AND to_id = ?',
  );
  const select = db.prepare<[string, number, string], { to_id: number; type_id: number }>(
    'SELECT to_id, type_id FROM associations WHERE from_type = ? AND from_id = ? AND to_type = ? ORDER BY to_id, type_id',
  );
  const write = (from: ObjectType, fromId: number, to: ObjectType, toId: number, type: AssociationType): void => {
    if (type.typeId === PRIMARY_DEAL_TO_COMPANY || type.inverse === PRIMARY_DEAL_TO_COMPANY) {
      // One primary company per deal: the new one replaces the old, which stays associated unlabeled.
      const dealId = from === 'deals' ? fromId : toId;
      removeType.run('deals', dealId, 'companies', PRIMARY_DEAL_TO_COMPANY);
      removeTypeTo.run('companies', 'deals', dealId, PRIMARY_COMPANY_TO_DEAL);
    }
    insert.run(from, fromId, to, toId, type.typeId);
    insert.run(to, toId, from, fromId, type.inverse);
  };
  return {
    associate(from, fromId, to, toId, typeIds) {
      const types = typesBetween(from, to);
      const unlabeled = defaultType(from, to);
      const apply = (): void => {
        if (unlabeled !== undefined) write(from, fromId, to, toId, unlabeled);
        for (const typeId of typeIds) {
          const type = types.find((t) => t.typeId === typeId);
          if (type !== undefined && type.label !== null) write(from, fromId, to, toId, type);
        }
      };
      // Inside a caller's transaction (a create with associations, the seed) no savepoint is needed.
      if (db.inTransaction) apply();
      else store.transaction(apply);
    },
    list(from, fromId, to) {
      const grouped = new Map<number, number[]>();
      for (const row of select.all(from, fromId, to)) {
        grouped.set(row.to_id, [...(grouped.get(row.to_id) ?? []), row.type_id]);
      }
      return [...grouped].map(([toId, typeIds]) => ({ toId, typeIds }));
    },
    removeAll(from, fromId, to, toId) {
      store.transaction(() => {
        removePair.run(from, fromId, to, toId);
        removePair.run(to, toId, from, fromId);
      });
    },
    move(object, oldIds, newId) {
      const ids = oldIds.map(() => '?').join(', ');
      db.prepare(`UPDATE OR IGNORE associations SET from_id = ? WHERE from_type = ? AND from_id IN (${ids})`).run(
        newId,
        object,
        ...oldIds,
      );
      db.prepare(`UPDATE OR IGNORE associations SET to_id = ? WHERE to_type = ? AND to_id IN (${ids})`).run(
        newId,
        object,
        ...oldIds,
      );
      db.prepare(
        `DELETE FROM associations WHERE (from_type = ? AND from_id IN (${ids})) OR (to_type = ? AND to_id IN (${ids}))`,
      ).run(object, ...oldIds, object, ...oldIds);
    },
  };
}
