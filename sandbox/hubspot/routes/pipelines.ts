/**
 * `GET /crm/v3/pipelines/{objectType}` and `GET /crm/v3/pipelines/{objectType}/{pipelineId}` (also
 * its `/stages`) for deals, in the Pipelines API's shape: `{ id, label, displayOrder, createdAt,
 * updatedAt, archived, stages: [{ id, label, displayOrder, metadata: { isClosed, probability },
 * createdAt, updatedAt, archived, writePermissions }] }`, metadata values as strings. Pipelines
 * are read-only here (creating or editing them is not modelled).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/pipelines/guide
 */
import type { FastifyInstance } from 'fastify';
import { SEED_EPOCH } from '../../seed.js';
import { notFound, validationError } from '../errors.js';
import { DEAL_PIPELINES, type Pipeline, type PipelineStage, pipelineOf } from '../pipelines.js';

const iso = (ms: number): string => new Date(ms).toISOString();

function renderStage(stage: PipelineStage, createdAt: number): Record<string, unknown> {
  return {
    id: stage.id,
    label: stage.label,
    displayOrder: stage.displayOrder,
    metadata: { isClosed: String(stage.isClosed), probability: stage.probability },
    createdAt: iso(createdAt),
    updatedAt: iso(Math.max(createdAt, SEED_EPOCH)),
    archived: false,
    writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
  };
}

function renderPipeline(pipeline: Pipeline): Record<string, unknown> {
  return {
    id: pipeline.id,
    label: pipeline.label,
    displayOrder: pipeline.displayOrder,
    createdAt: iso(pipeline.createdAt),
    updatedAt: iso(Math.max(pipeline.createdAt, SEED_EPOCH)),
    archived: false,
    stages: pipeline.stages.map((s) => renderStage(s, pipeline.createdAt)),
  };
}

function dealPipelines(params: unknown): readonly Pipeline[] {
  const objectType = (params as { objectType?: string }).objectType ?? '';
  // Deals are the one object type with pipelines here; `0-3` is the deals object type id.
  if (objectType !== 'deals' && objectType !== 'deal' && objectType !== '0-3')
    throw validationError(`Unable to infer object type from: ${objectType}`);
  return DEAL_PIPELINES;
}

function onePipeline(params: unknown): Pipeline {
  dealPipelines(params);
  const id = (params as { pipelineId: string }).pipelineId;
  const pipeline = pipelineOf(id);
  // Guessed wording for an unknown pipeline id.
  if (pipeline === undefined) throw notFound(`Unable to find pipeline ${id}`);
  return pipeline;
}

export function registerPipelineRoutes(app: FastifyInstance): void {
  app.get('/crm/v3/pipelines/:objectType', async (request) => ({
    results: dealPipelines(request.params).map(renderPipeline),
  }));
  app.get('/crm/v3/pipelines/:objectType/:pipelineId', async (request) => renderPipeline(onePipeline(request.params)));
  app.get('/crm/v3/pipelines/:objectType/:pipelineId/stages', async (request) => {
    const pipeline = onePipeline(request.params);
    return { results: pipeline.stages.map((s) => renderStage(s, pipeline.createdAt)) };
  });
}
