/**
 * Handlers of the routes the console needs beyond the control API's lists (console-routes-spec.ts):
 * one conflict with both records, resolve it; one dead letter with its payload, retry or drop it;
 * one ambiguous match with its candidates, link one; the drift reports, one report's rows, a repair.
 * Like every /api route they take the bearer token or a console session (console/session.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { ConflictRow } from '../../state/index.js';
import { isTandemError } from '../errors.js';
import type { SyncDefinition } from '../pipeline/context.js';
import { linkMatch, findMatch } from '../pipeline/link-match.js';
import { readRecordViews, type RecordView } from '../pipeline/record-views.js';
import { resolveConflict } from '../pipeline/resolve-conflict.js';
import { other } from '../pipeline/sides.js';
import * as c from './console-schemas.js';
import { deadLetterView, safeJson } from './control-routes.js';
import type { ServerDeps } from './deps.js';
import type { Handler } from './health-routes.js';
import { HttpError } from './http-error.js';
import { parse, parseJson } from './parse.js';
import { reportHandlers } from './report-routes.js';

/** A TandemError of the pipeline (bad candidate, already resolved) as a 409 naming what to do. */
async function asConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTandemError(error) && !(error instanceof HttpError)) throw new HttpError(409, error.code, error.message);
    throw error;
  }
}

export function conflictView(row: ConflictRow): Record<string, unknown> {
  return {
    id: row.id,
    sync: row.sync,
    crmId: row.crm_id,
    erpId: row.erp_id,
    field: row.field,
    kind: row.kind,
    crm: safeJson(row.crm_value),
    erp: safeJson(row.erp_value),
    base: safeJson(row.base_value),
    status: row.status,
    resolution: row.resolution === null ? null : safeJson(row.resolution),
    createdAt: row.created_at,
  };
}

export function consoleHandlers(deps: ServerDeps): Record<string, Handler> {
  const { store, control } = deps;
  const idOf = (request: FastifyRequest): number => Number(parse(c.idParamsSchema, request.params, 'path').id);
  const definition = (sync: string): SyncDefinition => {
    if (!control.has(sync)) throw new HttpError(404, 'NO_SUCH_SYNC', `no sync named "${sync}" is running here`);
    return control.definition(sync);
  };
  const conflictOf = async (request: FastifyRequest): Promise<ConflictRow> => {
    const row = await store.conflict(idOf(request));
    if (row === undefined) throw new HttpError(404, 'NO_SUCH_CONFLICT', 'no such conflict; see GET /api/conflicts');
    return row;
  };
  const letterOf = async (request: FastifyRequest) => {
    const row = await store.deadLetter(idOf(request));
    if (row === undefined) throw new HttpError(404, 'NO_SUCH_LETTER', 'no such dead letter; see GET /api/dead-letters');
    return row;
  };
  return {
    consoleOverview: async () => overview(deps),
    getConflict: async (request) => conflictDetail(definition, await conflictOf(request)),
    resolveConflict: async (request) => {
      const row = await conflictOf(request);
      const resolution = parse(c.resolveBodySchema, parseJson(request.body), 'body');
      const ctx = { sync: definition(row.sync), store, logger: deps.logger, signal: new AbortController().signal };
      const operations = await asConflict(() => resolveConflict(ctx, row, resolution));
      deps.logger.info({ conflict: row.id, sync: row.sync, via: 'api' }, 'conflict resolved');
      return { id: row.id, queued: operations.length };
    },
    getDeadLetter: async (request) => {
      const row = await letterOf(request);
      return { deadLetter: { ...deadLetterView(row), payload: safeJson(row.payload) } };
    },
    retryDeadLetter: async (request) => {
      const row = await letterOf(request);
      if (!(await store.retryDeadLetter(row)))
        throw new HttpError(
          409,
          'NOT_RETRYABLE',
          `dead letter #${row.id} is a record that could not be mapped (${row.stage}); fix the mapping, then backfill ${row.sync}`,
        );
      deps.logger.info({ deadLetter: row.id, sync: row.sync, via: 'api' }, 'dead letter back in the outbox');
      return { id: row.id, action: 'retried' };
    },
    dropDeadLetter: async (request) => {
      const row = await letterOf(request);
      await store.dropDeadLetter(row.id);
      deps.logger.info({ deadLetter: row.id, sync: row.sync, via: 'api' }, 'dead letter dropped');
      return { id: row.id, action: 'dropped' };
    },
    getAmbiguousMatch: async (request) => {
      const params = parse(c.matchParamsSchema, request.params, 'path');
      const sync = definition(params.sync);
      const match = await asConflict(() => findMatch(store, sync.name, params.record));
      // Kept under the candidates' side: the record is of the other one.
      const [record] = await readRecordViews(sync, other(match.side), [match.recordId]);
      const candidates = await readRecordViews(sync, match.side, match.candidates);
      return { ...match, record, candidates };
    },
    linkAmbiguousMatch: async (request) => {
      const params = parse(c.matchParamsSchema, request.params, 'path');
      const { candidate } = parse(c.linkBodySchema, parseJson(request.body), 'body');
      const linked = await asConflict(() =>
        linkMatch(definition(params.sync), store, { record: params.record, candidate }),
      );
      deps.logger.info({ ...linked, via: 'api' }, 'ambiguous match linked');
      return linked;
    },
    ...reportHandlers(deps, definition),
  };
}

/** The conflict with both records as they are now; a vendor that cannot be read leaves them null. */
async function conflictDetail(definition: (sync: string) => SyncDefinition, row: ConflictRow) {
  let views: { crm: RecordView | null; erp: RecordView | null; readError: string | null };
  try {
    const sync = definition(row.sync);
    const [[crm], [erp]] = await Promise.all([
      readRecordViews(sync, 'crm', [row.crm_id]),
      readRecordViews(sync, 'erp', [row.erp_id]),
    ]);
    views = { crm: crm ?? null, erp: erp ?? null, readError: null };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    views = { crm: null, erp: null, readError: error instanceof Error ? error.message : String(error) };
  }
  return { conflict: conflictView(row), ...views };
}

/** Each sync's status with what the console's overview adds: open conflicts, both connectors' breakers. */
async function overview(deps: ServerDeps) {
  const now = (deps.now ?? Date.now)();
  const statuses = await deps.status();
  const syncs = await Promise.all(
    statuses.map(async (status) => {
      const known = deps.control.has(status.sync);
      const sync = known ? deps.control.definition(status.sync) : undefined;
      const breaker = (name: string | undefined) =>
        name === undefined ? null : { connector: name, state: deps.connectors[name]?.circuit?.state() ?? 'none' };
      return {
        ...status,
        paused: known && deps.control.isPaused(status.sync),
        running: known && deps.control.isRunning(status.sync),
        conflicts: await deps.store.countOpenConflicts(status.sync),
        breakers: { crm: breaker(sync?.crm.name), erp: breaker(sync?.erp.name) },
        sinceSuccessS:
          status.lastSuccessAt === null
            ? null
            : Math.max(0, Math.round((now - Date.parse(status.lastSuccessAt)) / 1000)),
      };
    }),
  );
  return { syncs };
}
