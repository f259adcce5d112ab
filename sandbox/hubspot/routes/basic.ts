/**
 * The single-record writes of the CRM objects API: `POST /crm/v3/objects/{object}` (create, with
 * optional `associations`; 201), `PATCH /crm/v3/objects/{object}/{id}` (by id or a unique
 * `idProperty`; 200) and `DELETE /crm/v3/objects/{object}/{id}` (archive; 204, also for an id that
 * does not exist). They run through the same write path as the batch endpoints, so property
 * checks, per-object rules and the search index behave the same; a failure is the batch input's
 * error as the whole answer (404 not found, 409 conflict, 400 otherwise).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/deals/guide
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubspotHttpError, errorBody } from '../errors.js';
import { type StandardError, type WriteInput, applyWrites, archiveAll } from '../writes.js';
import { type RouteContext, associationsInput, objectParam, parseBody } from './common.js';

const value = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const createSchema = z.object({
  properties: z.record(z.string(), value),
  associations: associationsInput,
});
const updateSchema = z.object({ properties: z.record(z.string(), value) });

function asHttpError(error: StandardError): HubspotHttpError {
  const status = error.category === 'OBJECT_NOT_FOUND' ? 404 : error.category === 'CONFLICT' ? 409 : 400;
  return new HubspotHttpError(status, {
    ...errorBody(error.category, error.message, { context: error.context, errors: error.errors }),
  });
}

export function registerBasicRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post('/crm/v3/objects/:object', async (request, reply) => {
    const object = objectParam(request.params);
    const body = parseBody(createSchema, request.body);
    const input: WriteInput = {
      properties: body.properties,
      ...(body.associations === undefined ? {} : { associations: body.associations }),
    };
    const outcome = applyWrites(ctx.store, object, 'create', [input], undefined, ctx.associations);
    return reply.code(201).send(outcome.results[0]);
  });

  app.patch('/crm/v3/objects/:object/:id', async (request) => {
    const object = objectParam(request.params);
    const id = (request.params as { id: string }).id;
    const idProperty = (request.query as { idProperty?: string }).idProperty;
    const body = parseBody(updateSchema, request.body);
    const input: WriteInput = { id, properties: body.properties, ...(idProperty === undefined ? {} : { idProperty }) };
    const outcome = applyWrites(ctx.store, object, 'update', [input], undefined, ctx.associations);
    const error = outcome.errors[0];
    if (error !== undefined) throw asHttpError(error);
    return outcome.results[0];
  });

  app.delete('/crm/v3/objects/:object/:id', async (request, reply) => {
    const object = objectParam(request.params);
    archiveAll(ctx.store, object, [(request.params as { id: string }).id]);
    return reply.code(204).send();
  });
}
