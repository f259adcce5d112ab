/**
 * Sandbox-only hooks, NOT part of HubSpot's API, under `/__sandbox/`: edit a record as a person
 * in the HubSpot UI would (the edit bumps its modification time), or give it an exact time (to
 * stage shared timestamps, or a clock ahead), with its own search-index lag, or restore an archived record as a person does from the recycle bin
 * (HubSpot's API has no restore). They need the bearer token but are neither rate limited nor faulted.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound, validationError } from '../errors.js';
import { selectProperties, toPublicObject } from '../serialize.js';
import { deriveWrite } from '../object-rules.js';
import { checkProperties } from '../validate.js';
import { type RouteContext, objectParam, parseBody } from './common.js';

/** The prefix of every sandbox-only route. */
export const ADMIN_PREFIX = '/__sandbox/';

const editSchema = z.object({
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  /** Epoch ms or ISO 8601: the modification time to set instead of now (in the future: a clock ahead). */
  modifiedAt: z.union([z.number(), z.string()]).optional(),
  /** How long search does not see this edit, ms, instead of the `searchIndexLagMs` fault's draw. */
  searchIndexLagMs: z.number().int().min(0).optional(),
});

export function registerAdminRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.patch('/__sandbox/objects/:object/:id', async (request) => {
    const object = objectParam(request.params);
    const id = Number((request.params as { id: string }).id);
    const body = parseBody(editSchema, request.body);
    const checked = checkProperties(object, body.properties, ctx.store);
    const problems = [...checked.fatal, ...checked.invalid];
    if (problems.length > 0) throw validationError(problems.map((p) => p.message).join('; '));
    const record = Number.isInteger(id) ? ctx.store.get(object, id) : undefined;
    if (record === undefined) throw notFound();
    const at =
      body.modifiedAt === undefined
        ? ctx.store.tick()
        : typeof body.modifiedAt === 'number'
          ? body.modifiedAt
          : Date.parse(body.modifiedAt);
    if (Number.isNaN(at)) throw validationError(`modifiedAt is not a time: ${String(body.modifiedAt)}`);
    const derived = deriveWrite(ctx.store, object, checked.values, record);
    if (derived.invalid.length > 0) throw validationError(derived.invalid.map((p) => p.message).join('; '));
    const updated = ctx.store.update(record, derived.values, at, body.searchIndexLagMs);
    return toPublicObject(updated, selectProperties(object, Object.keys(updated.properties), ctx.store), ctx.store);
  });

  app.post('/__sandbox/objects/:object/:id/restore', async (request) => {
    const object = objectParam(request.params);
    const id = Number((request.params as { id: string }).id);
    const record = Number.isInteger(id) ? ctx.store.get(object, id, true) : undefined;
    if (record === undefined) throw notFound();
    ctx.store.restore(record, ctx.store.tick());
    const restored = ctx.store.get(object, id);
    if (restored === undefined) throw notFound();
    return toPublicObject(restored, selectProperties(object, Object.keys(restored.properties), ctx.store), ctx.store);
  });
}
