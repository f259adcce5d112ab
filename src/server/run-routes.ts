/** The run history over HTTP: `GET /api/runs` and `GET /api/runs/{id}/changes` (docs/operations.md). */
import type { z } from 'zod';
import { changeView, runView } from '../pipeline/history-view.js';
import type { ServerDeps } from './deps.js';
import type { Handler } from './health-routes.js';
import { HttpError } from './http-error.js';
import type { RouteSpec } from './routes-spec.js';
import * as s from './run-schemas.js';
import { errorSchema } from './schemas.js';

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `${what}: ${result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return result.data;
}

const unauthorized = { 401: { description: 'missing or wrong bearer token', schema: errorSchema } };

export const RUN_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/runs',
    operationId: 'listRuns',
    summary: 'Run history, newest first: every run, backfill and repair with its figures.',
    tag: 'control',
    auth: 'bearer',
    query: s.runListQuerySchema,
    responses: {
      200: { description: 'the runs', schema: s.runListSchema },
      400: { description: 'bad query', schema: errorSchema },
      ...unauthorized,
    },
  },
  {
    method: 'GET',
    path: '/api/runs/:id/changes',
    operationId: 'listRunChanges',
    summary:
      'What one run changed, record by record, each field before -> after (personal data redacted per log.redact).',
    tag: 'control',
    auth: 'bearer',
    params: s.runParamsSchema,
    query: s.runChangesQuerySchema,
    responses: {
      200: { description: 'the run and its changes', schema: s.runChangesSchema },
      400: { description: 'bad id or query', schema: errorSchema },
      ...unauthorized,
      404: { description: 'no such run (pruned, or never run)', schema: errorSchema },
    },
  },
];

export function runHandlers(deps: ServerDeps): Record<string, Handler> {
  const { store } = deps;
  return {
    listRuns: async (request) => {
      const query = parse(s.runListQuerySchema, request.query, 'query');
      const rows = await store.runs({
        ...(query.sync === undefined ? {} : { sync: query.sync }),
        ...(query.limit === undefined ? {} : { limit: query.limit }),
        ...(query.before === undefined ? {} : { before: query.before }),
      });
      return { runs: rows.map(runView) };
    },
    listRunChanges: async (request) => {
      const { id } = parse(s.runParamsSchema, request.params, 'path');
      const { record } = parse(s.runChangesQuerySchema, request.query, 'query');
      const row = await store.run(id);
      if (row === undefined)
        throw new HttpError(404, 'NO_SUCH_RUN', `no run ${id} in the history (pruned, or never run)`);
      return { run: runView(row), changes: (await store.runChanges(id, record)).map(changeView) };
    },
  };
}
