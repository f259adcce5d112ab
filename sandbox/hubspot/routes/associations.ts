/**
 * The v4 associations API for deals: `PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{toId}`
 * (both directions' unlabeled types, 200), `PUT …/associations/{to}/{toId}` with association specs
 * (201, the pair's labels), `DELETE …/associations/{to}/{toId}` (204), `GET …/associations/{to}`
 * (paged, 500 a page), and `POST /crm/v4/associations/{from}/{to}/batch/{read,create,associate/default,archive}`
 * (read: at most 1,000 inputs; writes: at most 2,000). Object types may be written plural,
 * singular or as type ids (`deals`, `deal`, `0-3`). A batch read answers an input with no
 * associations (or no record) in `errors` with HubSpot's NO_ASSOCIATIONS_FOUND, 207.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associate-records/guide
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound, validationError } from '../errors.js';
import { type AssociationType, defaultType, typesBetween } from '../associations.js';
import { OBJECT_TYPE_IDS, type ObjectType } from '../properties.js';
import { type RouteContext, batchEnvelope, parseBody } from './common.js';

const NAMES: Readonly<Record<string, ObjectType>> = Object.fromEntries(
  (['contacts', 'companies', 'deals', 'products', 'line_items'] as const).flatMap((t) => [
    [t, t],
    [t === 'companies' ? 'company' : t.slice(0, -1), t],
    [OBJECT_TYPE_IDS[t], t],
  ]),
);
const SINGULAR: Readonly<Record<ObjectType, string>> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
  products: 'product',
  line_items: 'line_item',
};
const id = z.union([z.string(), z.number()]).transform(String);
const spec = z.object({ associationCategory: z.string(), associationTypeId: z.number().int() });
const readSchema = z.object({ inputs: z.array(z.object({ id, after: z.string().optional() })) });
const createSchema = z.object({
  inputs: z.array(z.object({ from: z.object({ id }), to: z.object({ id }), types: z.array(spec) })),
});
const defaultSchema = z.object({ inputs: z.array(z.object({ from: z.object({ id }), to: z.object({ id }) })) });
const archiveSchema = z.object({
  inputs: z.array(z.object({ from: z.object({ id }), to: z.array(z.object({ id })) })),
});
const PAGE = 500;

function objectType(raw: string | undefined): ObjectType {
  const type = NAMES[(raw ?? '').toLowerCase()];
  if (type === undefined) throw validationError(`Unable to infer object type from: ${raw ?? ''}`);
  return type;
}

/** The pair's types; a pair the sandbox does not model answers 400 (wording guessed). */
function pairTypes(from: ObjectType, to: ObjectType): AssociationType[] {
  const types = typesBetween(from, to);
  if (types.length === 0)
    throw validationError(`No association definitions exist from ${SINGULAR[from]} to ${SINGULAR[to]}`);
  return types;
}

function checkLimit(inputs: readonly unknown[], max: number): void {
  if (inputs.length > max)
    throw validationError(`Batch input limit exceeded: ${inputs.length} inputs were sent; the maximum is ${max}.`);
}

const typeView = (types: readonly AssociationType[], typeId: number) => {
  const label = types.find((t) => t.typeId === typeId)?.label ?? null;
  return { category: 'HUBSPOT_DEFINED', typeId, label };
};

function existsIn(ctx: RouteContext, type: ObjectType, recordId: string): boolean {
  return /^\d+$/.test(recordId) && ctx.store.get(type, Number(recordId)) !== undefined;
}

/** One record's associations to `to`, as `MultiAssociatedObjectWithLabel`s: labeled types first. */
function targetsOf(ctx: RouteContext, from: ObjectType, fromId: number, to: ObjectType) {
  const types = typesBetween(from, to);
  const unlabeled = (typeId: number): number => Number(types.find((t) => t.typeId === typeId)?.label === null);
  return ctx.associations.list(from, fromId, to).map((a) => ({
    // A number on the wire, as HubSpot's own examples show it.
    toObjectId: a.toId,
    associationTypes: [...a.typeIds].sort((x, y) => unlabeled(x) - unlabeled(y)).map((t) => typeView(types, t)),
  }));
}

type Spec = z.infer<typeof spec>;

/** Refuses a spec whose type id is not defined for the pair (wording guessed). */
function requireKnownTypes(
  types: readonly AssociationType[],
  specs: readonly Spec[],
  from: ObjectType,
  to: ObjectType,
): void {
  const unknown = specs.find((s) => !types.some((t) => t.typeId === s.associationTypeId));
  if (unknown !== undefined)
    throw validationError(
      `associationTypeId ${unknown.associationTypeId} is not defined from ${SINGULAR[from]} to ${SINGULAR[to]}`,
    );
}

/** The labels of the specs' types (unlabeled types have none). */
function labelsOf(types: readonly AssociationType[], specs: readonly Spec[]): string[] {
  return specs
    .map((s) => types.find((t) => t.typeId === s.associationTypeId)?.label)
    .filter((l) => typeof l === 'string');
}

/** A batch-read input with no associations: HubSpot's NO_ASSOCIATIONS_FOUND error. */
function noAssociations(from: ObjectType, to: ObjectType, fromId: string) {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
    message: `No ${SINGULAR[to]} is associated with ${SINGULAR[from]} ${fromId}.`,
    context: { fromObjectId: [fromId], fromObjectType: [SINGULAR[from]], toObjectType: [SINGULAR[to]] },
    errors: [],
    links: {},
  };
}

/** `batch/read`: each input's targets, a page of 500 at a time; an input with none is an error. */
function batchRead(ctx: RouteContext, from: ObjectType, to: ObjectType, inputs: z.infer<typeof readSchema>['inputs']) {
  const results = [];
  const errors = [];
  for (const input of inputs) {
    const all = /^\d+$/.test(input.id) ? targetsOf(ctx, from, Number(input.id), to) : [];
    if (all.length === 0) {
      errors.push(noAssociations(from, to, input.id));
      continue;
    }
    const offset = Number(input.after ?? 0) || 0;
    const more = offset + PAGE < all.length ? { paging: { next: { after: String(offset + PAGE) } } } : {};
    results.push({ from: { id: input.id }, to: all.slice(offset, offset + PAGE), ...more });
  }
  return { results, errors };
}

/** `batch/create`: each input associated on its own; an input naming a missing record fails alone. */
function batchCreate(
  ctx: RouteContext,
  from: ObjectType,
  to: ObjectType,
  types: readonly AssociationType[],
  inputs: z.infer<typeof createSchema>['inputs'],
) {
  const results = [];
  const errors = [];
  for (const input of inputs) {
    const missing = [
      [from, input.from.id],
      [to, input.to.id],
    ].filter(([type, recordId]) => !existsIn(ctx, type as ObjectType, recordId as string));
    if (missing.length > 0) {
      // Guessed wording; the inputs whose records do not exist fail on their own.
      errors.push({
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: `Could not create association: ${missing.map(([t, i]) => `${SINGULAR[t as ObjectType]} ${i as string}`).join(', ')} does not exist`,
        context: { fromObjectId: [input.from.id], toObjectId: [input.to.id] },
        errors: [],
        links: {},
      });
      continue;
    }
    const typeIds = input.types.map((s) => s.associationTypeId);
    ctx.associations.associate(from, Number(input.from.id), to, Number(input.to.id), typeIds);
    results.push({
      fromObjectTypeId: OBJECT_TYPE_IDS[from],
      fromObjectId: Number(input.from.id),
      toObjectTypeId: OBJECT_TYPE_IDS[to],
      toObjectId: Number(input.to.id),
      labels: labelsOf(types, input.types),
    });
  }
  return { results, errors };
}

export function registerAssociationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { associations } = ctx;
  const exists = (type: ObjectType, recordId: string): boolean => existsIn(ctx, type, recordId);
  const targets = (from: ObjectType, fromId: number, to: ObjectType) => targetsOf(ctx, from, fromId, to);
  const params = (raw: unknown) => {
    const p = raw as Record<string, string>;
    const from = objectType(p['fromObjectType'] ?? p['objectType']);
    const to = objectType(p['toObjectType']);
    return { from, to, fromId: p['fromObjectId'] ?? p['objectId'] ?? '', toId: p['toObjectId'] ?? '' };
  };
  const requireBoth = (from: ObjectType, fromId: string, to: ObjectType, toId: string): void => {
    for (const [type, recordId] of [
      [from, fromId],
      [to, toId],
    ] as const)
      if (!exists(type, recordId)) throw notFound(`No ${SINGULAR[type]} with id ${recordId} exists`);
  };

  app.put(
    '/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId',
    async (request) => {
      const { from, to, fromId, toId } = params(request.params);
      const unlabeled = defaultType(from, to) ?? pairTypes(from, to)[0];
      requireBoth(from, fromId, to, toId);
      const startedAt = new Date().toISOString();
      if (unlabeled !== undefined) associations.associate(from, Number(fromId), to, Number(toId), []);
      const result = (a: string, b: string, typeId: number | undefined) => ({
        from: { id: a },
        to: { id: b },
        associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId },
      });
      return batchEnvelope(
        startedAt,
        [result(fromId, toId, unlabeled?.typeId), result(toId, fromId, unlabeled?.inverse)],
        [],
      );
    },
  );

  app.put('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', async (request, reply) => {
    const { from, to, fromId, toId } = params(request.params);
    const types = pairTypes(from, to);
    const specs = parseBody(z.array(spec), request.body);
    requireKnownTypes(types, specs, from, to);
    requireBoth(from, fromId, to, toId);
    associations.associate(
      from,
      Number(fromId),
      to,
      Number(toId),
      specs.map((s) => s.associationTypeId),
    );
    const labels = labelsOf(types, specs);
    return reply.code(201).send({
      fromObjectTypeId: OBJECT_TYPE_IDS[from],
      fromObjectId: Number(fromId),
      toObjectTypeId: OBJECT_TYPE_IDS[to],
      toObjectId: Number(toId),
      labels,
    });
  });

  app.delete('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', async (request, reply) => {
    const { from, to, fromId, toId } = params(request.params);
    pairTypes(from, to);
    if (/^\d+$/.test(fromId) && /^\d+$/.test(toId)) associations.removeAll(from, Number(fromId), to, Number(toId));
    return reply.code(204).send();
  });

  app.get('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', async (request) => {
    const { from, to, fromId } = params(request.params);
    pairTypes(from, to);
    const query = request.query as { after?: string; limit?: string };
    const limit = Math.min(Number(query.limit ?? PAGE) || PAGE, PAGE);
    const offset = Number(query.after ?? 0) || 0;
    const all = /^\d+$/.test(fromId) ? targets(from, Number(fromId), to) : [];
    const next = offset + limit < all.length ? { paging: { next: { after: String(offset + limit) } } } : {};
    return { results: all.slice(offset, offset + limit), ...next };
  });

  registerAssociationBatchRoutes(app, ctx);
}

function registerAssociationBatchRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const pair = (raw: unknown) => {
    const p = raw as { fromObjectType?: string; toObjectType?: string };
    const from = objectType(p.fromObjectType);
    const to = objectType(p.toObjectType);
    return { from, to, types: pairTypes(from, to) };
  };

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', async (request, reply) => {
    const { from, to } = pair(request.params);
    const startedAt = new Date().toISOString();
    const body = parseBody(readSchema, request.body);
    checkLimit(body.inputs, 1000);
    const { results, errors } = batchRead(ctx, from, to, body.inputs);
    return reply.code(errors.length > 0 ? 207 : 200).send(batchEnvelope(startedAt, results, errors));
  });

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/create', async (request, reply) => {
    const { from, to, types } = pair(request.params);
    const startedAt = new Date().toISOString();
    const body = parseBody(createSchema, request.body);
    checkLimit(body.inputs, 2000);
    requireKnownTypes(
      types,
      body.inputs.flatMap((i) => i.types),
      from,
      to,
    );
    const { results, errors } = batchCreate(ctx, from, to, types, body.inputs);
    return reply.code(errors.length > 0 ? 207 : 201).send(batchEnvelope(startedAt, results, errors));
  });

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/associate/default', async (request) => {
    const { from, to } = pair(request.params);
    const unlabeled = defaultType(from, to);
    const startedAt = new Date().toISOString();
    const body = parseBody(defaultSchema, request.body);
    checkLimit(body.inputs, 2000);
    const results = [];
    for (const input of body.inputs) {
      if (!existsIn(ctx, from, input.from.id) || !existsIn(ctx, to, input.to.id)) continue;
      ctx.associations.associate(from, Number(input.from.id), to, Number(input.to.id), []);
      results.push({
        from: { id: input.from.id },
        to: { id: input.to.id },
        associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: unlabeled?.typeId },
      });
    }
    return batchEnvelope(startedAt, results, []);
  });

  app.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/archive', async (request, reply) => {
    const { from, to } = pair(request.params);
    const body = parseBody(archiveSchema, request.body);
    checkLimit(body.inputs, 2000);
    for (const input of body.inputs)
      for (const target of input.to)
        if (/^\d+$/.test(input.from.id) && /^\d+$/.test(target.id))
          ctx.associations.removeAll(from, Number(input.from.id), to, Number(target.id));
    return reply.code(204).send();
  });
}
