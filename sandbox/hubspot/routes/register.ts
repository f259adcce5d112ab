/** Registers every route of the HubSpot sandbox on one fastify app, in an order without conflicts. */
import type { FastifyInstance } from 'fastify';
import { renderRecordView, VIEW_PREFIX } from '../../record-view.js';
import { registerAdminRoutes } from './admin.js';
import { registerAssociationRoutes } from './associations.js';
import { registerBasicRoutes } from './basic.js';
import { registerBatchRoutes } from './batch.js';
import { type RouteContext, objectParam } from './common.js';
import { registerMergeRoute } from './merge.js';
import { registerObjectRoutes } from './objects.js';
import { registerPipelineRoutes } from './pipelines.js';
import { registerPropertyRoutes } from './properties.js';
import { registerSearchRoute } from './search.js';

export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  registerMergeRoute(app, ctx);
  registerObjectRoutes(app, ctx);
  registerBasicRoutes(app, ctx);
  registerSearchRoute(app, ctx);
  registerBatchRoutes(app, ctx);
  registerPropertyRoutes(app, ctx);
  registerPipelineRoutes(app);
  registerAssociationRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  // Read-only record pages for report links (not HubSpot's API).
  app.get(`${VIEW_PREFIX}:object/:id`, async (request, reply) => {
    const object = objectParam(request.params);
    const id = (request.params as { id: string }).id;
    const number = Number(id);
    const record = Number.isInteger(number)
      ? (ctx.store.get(object, number) ?? ctx.store.get(object, number, true))
      : undefined;
    return reply
      .code(record === undefined ? 404 : 200)
      .type('text/html; charset=utf-8')
      .send(renderRecordView('HubSpot', object, id, record?.properties, record?.archived === true));
  });
}
