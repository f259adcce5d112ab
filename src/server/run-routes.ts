/** The run history's handlers: `GET /api/runs` and `GET /api/runs/{id}/changes` (docs/operations.md; specs in routes-spec.ts). */
import type { z } from 'zod';
import { changeView, runView } from '../pipeline/history-view.js';
import type { ServerDeps } from './deps.js';
import type { Handler } from './health-routes.js';
import { HttpError } from './http-error.js';
import * as s from './run-schemas.js';

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
