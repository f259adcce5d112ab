/**
 * `GET /crm/v3/objects/{object}` (list, paged by id with `after`, `limit` default 10 and at most
 * 100) and `GET /crm/v3/objects/{object}/{id}` (by id, or by a unique property with `idProperty`).
 */
import type { FastifyInstance } from 'fastify';
import { notFound, validationError } from '../errors.js';
import { uniqueProperties } from '../properties.js';
import { propertiesParam, selectProperties, toPublicObject } from '../serialize.js';
import { type StoredRecord, toRecord } from '../store.js';
import { type RouteContext, booleanParam, objectParam } from './common.js';
import { survivorOf } from './merge.js';

interface ListQuery {
  limit?: string;
  after?: string;
  properties?: string | string[];
  archived?: string;
  idProperty?: string;
}

export function registerObjectRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/crm/v3/objects/:object', async (request) => {
    const object = objectParam(request.params);
    const query = request.query as ListQuery;
    const limit = query.limit === undefined ? 10 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw validationError(`limit must be between 1 and 100, got ${query.limit}`);
    const after = query.after === undefined ? 0 : Number(query.after);
    if (!Number.isInteger(after) || after < 0)
      throw validationError(`after is not a valid paging cursor: ${query.after}`);
    const rows = ctx.store.db
      .prepare<[string, number, number, number], Parameters<typeof toRecord>[0]>(
        'SELECT * FROM objects WHERE object_type = ? AND archived = ? AND id > ? ORDER BY id LIMIT ?',
      )
      .all(object, booleanParam(query.archived) ? 1 : 0, after, limit + 1);
    const records = rows.slice(0, limit).map(toRecord);
    const shown = selectProperties(object, propertiesParam(query.properties), ctx.store);
    const last = records[records.length - 1];
    const next = rows.length > limit && last !== undefined ? String(last.id) : undefined;
    return {
      results: records.map((r) => toPublicObject(r, shown, ctx.store)),
      ...(next === undefined
        ? {}
        : {
            paging: {
              next: {
                after: next,
                link: `${request.protocol}://${request.host}/crm/v3/objects/${object}?after=${next}`,
              },
            },
          }),
    };
  });

  app.get('/crm/v3/objects/:object/:id', async (request) => {
    const object = objectParam(request.params);
    const query = request.query as ListQuery;
    const id = (request.params as { id: string }).id;
    const idProperty = query.idProperty ?? 'hs_object_id';
    if (idProperty !== 'hs_object_id' && !uniqueProperties(object).includes(idProperty)) {
      throw validationError(`${idProperty} is not a unique property of ${object}`);
    }
    const record: StoredRecord | undefined = ctx.store.findByUnique(
      object,
      idProperty,
      id,
      booleanParam(query.archived),
    );
    // A merged-away id answers with the record it was merged into, under that record's id.
    const found =
      record ??
      (idProperty === 'hs_object_id' && /^\d+$/.test(id) && !booleanParam(query.archived)
        ? survivorOf(ctx.store, object, Number(id))
        : undefined);
    if (found === undefined) throw notFound();
    return toPublicObject(found, selectProperties(object, propertiesParam(query.properties), ctx.store), ctx.store);
  });
}
