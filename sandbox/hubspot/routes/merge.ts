/**
 * `POST /crm/v3/objects/{object}/merge` with `{ primaryObjectId, objectIdToMerge }`, as HubSpot
 * merges contacts and companies today: a NEW record with a new id results, carrying the primary's
 * values (the secondary's fill what the primary leaves empty) and `hs_merged_object_ids` listing
 * both old ids (and whatever they had merged before), semicolon-separated. Both old ids vanish from
 * list, search and batch read; a GET of either old id answers with the merged record, under its
 * new id. A company merge moves its contacts' company to the merged record. Merges cannot be undone.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/merge-contacts
 * https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound, validationError } from '../errors.js';
import type { AssociationStore } from '../associations.js';
import type { ObjectType } from '../properties.js';
import { selectProperties, toPublicObject } from '../serialize.js';
import type { HubspotStore, StoredRecord } from '../store.js';
import { type RouteContext, objectParam, parseBody } from './common.js';

const MERGED = 'hs_merged_object_ids';

const mergeSchema = z.object({
  primaryObjectId: z.union([z.string(), z.number()]).transform(String),
  objectIdToMerge: z.union([z.string(), z.number()]).transform(String),
});

function ensureTable(store: HubspotStore): void {
  store.db.exec(`CREATE TABLE IF NOT EXISTS merged_ids (
    object_type TEXT NOT NULL, old_id INTEGER NOT NULL, new_id INTEGER NOT NULL,
    PRIMARY KEY (object_type, old_id)) WITHOUT ROWID`);
}

/** The live record an id was merged into (following later merges), or undefined. */
export function survivorOf(store: HubspotStore, object: ObjectType, id: number): StoredRecord | undefined {
  ensureTable(store);
  const next = store.db.prepare<[string, number], { new_id: number }>(
    'SELECT new_id FROM merged_ids WHERE object_type = ? AND old_id = ?',
  );
  const seen = new Set<number>();
  for (let at = next.get(object, id)?.new_id; at !== undefined && !seen.has(at); at = next.get(object, at)?.new_id) {
    seen.add(at);
    const record = store.get(object, at);
    if (record !== undefined) return record;
  }
  return undefined;
}

function liveRecord(store: HubspotStore, object: ObjectType, id: string): StoredRecord {
  const record = /^\d+$/.test(id) ? store.get(object, Number(id)) : undefined;
  if (record === undefined) throw notFound(`Object not found. objectId are usually numeric. objectId: ${id}`);
  return record;
}

/** Merges `secondary` into `primary`: one new record; both old rows are gone, their ids point to it. */
export function mergeRecords(
  store: HubspotStore,
  object: ObjectType,
  primary: StoredRecord,
  secondary: StoredRecord,
  associations?: AssociationStore,
): StoredRecord {
  const at = store.tick();
  const ids = new Set(
    [primary, secondary].flatMap((r) => [String(r.id), ...(r.properties[MERGED] ?? '').split(';')]).filter((s) => s),
  );
  const properties: Record<string, string> = { ...secondary.properties, ...primary.properties };
  properties[MERGED] = [...ids].sort((a, b) => Number(a) - Number(b)).join(';');
  return store.transaction(() => {
    const merged = store.insert(object, properties, at, Math.min(primary.createdAt, secondary.createdAt));
    const drop = store.db.prepare('DELETE FROM objects WHERE object_type = ? AND id = ?');
    const point = store.db.prepare('INSERT OR REPLACE INTO merged_ids (object_type, old_id, new_id) VALUES (?, ?, ?)');
    for (const old of [primary, secondary]) {
      drop.run(object, old.id);
      point.run(object, old.id, merged.id);
    }
    associations?.move(object, [primary.id, secondary.id], merged.id);
    if (object === 'companies') {
      // The associations move to the merged record (the contact's primary company among them).
      const contacts = store.db
        .prepare<[string, string], { id: number }>(
          "SELECT id FROM objects WHERE object_type = 'contacts' AND json_extract(props, '$.associatedcompanyid') IN (?, ?)",
        )
        .all(String(primary.id), String(secondary.id));
      for (const { id } of contacts) {
        const contact = store.get('contacts', id);
        if (contact !== undefined) store.update(contact, { associatedcompanyid: String(merged.id) }, at);
      }
    }
    return merged;
  });
}

export function registerMergeRoute(app: FastifyInstance, ctx: RouteContext): void {
  ensureTable(ctx.store);
  app.post('/crm/v3/objects/:object/merge', async (request) => {
    const object = objectParam(request.params);
    // Products and line items have no merge endpoint in HubSpot's API.
    if (object === 'products' || object === 'line_items')
      throw notFound(`No route for POST /crm/v3/objects/${object}/merge`);
    const body = parseBody(mergeSchema, request.body);
    if (body.primaryObjectId === body.objectIdToMerge)
      throw validationError(`Cannot merge an object with itself: ${body.primaryObjectId}`);
    const primary = liveRecord(ctx.store, object, body.primaryObjectId);
    const secondary = liveRecord(ctx.store, object, body.objectIdToMerge);
    const merged = mergeRecords(ctx.store, object, primary, secondary, ctx.associations);
    return toPublicObject(merged, selectProperties(object, Object.keys(merged.properties), ctx.store), ctx.store);
  });
}
