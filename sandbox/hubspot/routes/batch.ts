/**
 * The batch endpoints: read (by id or unique `idProperty`; `?archived=true` reads only archived
 * records), upsert (by a unique `idProperty`), create, update and archive, each with at most 100
 * inputs. A batch where some inputs fail answers 207 with per-input `errors`. Archive answers 204
 * without a body (HubSpot documents no per-input results for it), so it has no partial failures.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/guide
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { validationError } from '../errors.js';
import { uniqueProperties } from '../properties.js';
import { type PublicObject, selectProperties, toPublicObject } from '../serialize.js';
import { type WriteInput, archiveAll, applyWrites } from '../writes.js';
import {
  type RouteContext,
  OBJECT_LABELS,
  associationsInput,
  batchEnvelope,
  booleanParam,
  checkBatchSize,
  objectParam,
  parseBody,
} from './common.js';

const value = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const propertiesSchema = z.record(z.string(), value);

const readSchema = z.object({
  inputs: z.array(z.object({ id: z.string() })),
  properties: z.array(z.string()).default([]),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const writeSchema = z.object({
  inputs: z.array(
    z.object({
      id: z.string().optional(),
      idProperty: z.string().optional(),
      objectWriteTraceId: z.string().optional(),
      properties: propertiesSchema,
      associations: associationsInput,
    }),
  ),
});
const upsertSchema = z.object({
  inputs: z.array(
    z.object({
      id: z.string(),
      idProperty: z.string().optional(),
      objectWriteTraceId: z.string().optional(),
      properties: propertiesSchema,
    }),
  ),
});
const updateSchema = upsertSchema;
const archiveSchema = z.object({ inputs: z.array(z.object({ id: z.string() })) });

function clean(
  inputs: readonly {
    id?: string | undefined;
    idProperty?: string | undefined;
    objectWriteTraceId?: string | undefined;
    properties: Record<string, unknown>;
    associations?: WriteInput['associations'] | undefined;
  }[],
): WriteInput[] {
  return inputs.map((i) => ({
    properties: i.properties,
    ...(i.id === undefined ? {} : { id: i.id }),
    ...(i.idProperty === undefined ? {} : { idProperty: i.idProperty }),
    ...(i.objectWriteTraceId === undefined ? {} : { objectWriteTraceId: i.objectWriteTraceId }),
    ...(i.associations === undefined ? {} : { associations: i.associations }),
  }));
}

export function registerBatchRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post('/crm/v3/objects/:object/batch/read', async (request, reply) => {
    const object = objectParam(request.params);
    const startedAt = new Date().toISOString();
    const body = parseBody(readSchema, request.body);
    checkBatchSize(body.inputs);
    const idProperty = body.idProperty ?? 'hs_object_id';
    if (idProperty !== 'hs_object_id' && !uniqueProperties(object).includes(idProperty)) {
      throw validationError(
        `${idProperty} is not a unique property of ${object}; batch read by idProperty needs a property with unique values`,
      );
    }
    const archived = booleanParam((request.query as { archived?: string }).archived);
    const shown = selectProperties(object, body.properties, ctx.store);
    const results: PublicObject[] = [];
    const missing: string[] = [];
    for (const input of body.inputs) {
      const record = ctx.store.findByUnique(object, idProperty, input.id, archived);
      if (record === undefined) missing.push(input.id);
      else
        results.push(
          toPublicObject(
            record,
            idProperty === 'hs_object_id' ? shown : [...new Set([...shown, idProperty])],
            ctx.store,
          ),
        );
    }
    const label = OBJECT_LABELS[object];
    const errors =
      missing.length === 0
        ? []
        : [
            {
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message: `Could not get some ${label} objects, they may be deleted or not exist. Check that ids are valid.`,
              context: { ids: missing },
              errors: [],
              links: {},
            },
          ];
    return reply.code(errors.length > 0 ? 207 : 200).send(batchEnvelope(startedAt, results, errors));
  });

  const write =
    (
      mode: 'upsert' | 'update' | 'create',
      schema: z.ZodType<{ inputs: Parameters<typeof clean>[0] }>,
      okStatus: number,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const object = objectParam(request.params);
      const startedAt = new Date().toISOString();
      const body = parseBody(schema, request.body);
      checkBatchSize(body.inputs);
      const outcome = applyWrites(ctx.store, object, mode, clean(body.inputs), ctx.rejectInputs, ctx.associations);
      return reply
        .code(outcome.errors.length > 0 ? 207 : okStatus)
        .send(batchEnvelope(startedAt, outcome.results, outcome.errors));
    };

  app.post('/crm/v3/objects/:object/batch/upsert', write('upsert', upsertSchema, 200));
  app.post('/crm/v3/objects/:object/batch/update', write('update', updateSchema, 200));
  app.post('/crm/v3/objects/:object/batch/create', write('create', writeSchema, 201));

  app.post('/crm/v3/objects/:object/batch/archive', async (request, reply) => {
    const object = objectParam(request.params);
    const body = parseBody(archiveSchema, request.body);
    checkBatchSize(body.inputs);
    archiveAll(
      ctx.store,
      object,
      body.inputs.map((i) => i.id),
    );
    return reply.code(204).send();
  });
}
