/** Handlers of the control API (`/api/...`): every one behind the bearer token. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DeadLetterRow } from '../../state/index.js';
import { parseSince } from '../pipeline/since.js';
import { isTandemError } from '../errors.js';
import { checkBackfillRequest, progressOf, sidesOf } from '../pipeline/backfill.js';
import { listOpenConflicts } from './conflicts.js';
import type { ServerDeps } from './deps.js';
import type { Handler } from './health-routes.js';
import { HttpError } from './http-error.js';
import { parse, parseJson } from './parse.js';
import { backfillBodySchema, listQuerySchema, runQuerySchema, syncParamsSchema } from './schemas.js';

export function controlHandlers(deps: ServerDeps): Record<string, Handler> {
  const { control, store } = deps;
  const now = deps.now ?? Date.now;
  const syncOf = (request: FastifyRequest): string => {
    const { sync } = parse(syncParamsSchema, request.params, 'path');
    if (!control.has(sync)) throw new HttpError(404, 'NO_SUCH_SYNC', `no sync named "${sync}" is running here`);
    return sync;
  };
  const pause = (paused: boolean) => async (request: FastifyRequest) => {
    const sync = syncOf(request);
    control.setPaused(sync, paused);
    return { sync, paused };
  };
  return {
    listSyncs: async () => ({
      syncs: (await deps.status()).map((s) => ({
        ...s,
        paused: control.isPaused(s.sync),
        running: control.isRunning(s.sync),
      })),
    }),
    runSync: async (request: FastifyRequest, reply: FastifyReply) => {
      const sync = syncOf(request);
      const { wait } = parse(runQuerySchema, request.query, 'query');
      const { run, joined } = control.start(sync, 'incremental', undefined, 'api');
      if (wait === 'true') return reply.code(200).send(await run);
      return reply.code(202).send({ sync, kind: 'incremental', accepted: true, joined });
    },
    backfillSync: backfillHandler(deps, syncOf),
    getBackfill: async (request) => {
      const sync = syncOf(request);
      const latest = await store.backfills.latest(sync);
      return {
        sync,
        running: control.isBackfilling(sync),
        backfill: latest === undefined ? null : progressOf(latest, sidesOf(control.definition(sync)), now()),
      };
    },
    pauseSync: pause(true),
    resumeSync: pause(false),
    listDeadLetters: async (request) => {
      const { sync } = parse(listQuerySchema, request.query, 'query');
      const rows = await store.deadLetters(sync);
      return {
        deadLetters: rows.map(deadLetterView),
      };
    },
    listAmbiguousMatches: async (request) => {
      const { sync } = parse(listQuerySchema, request.query, 'query');
      const names = sync === undefined ? control.names : [sync];
      const lists = await Promise.all(names.map((name) => store.ambiguousMatches(name)));
      return { ambiguousMatches: lists.flat() };
    },
    listConflicts: async (request) => {
      const { sync } = parse(listQuerySchema, request.query, 'query');
      return listOpenConflicts(store, sync);
    },
  };
}

/** `POST /api/syncs/:sync/backfill`: refuses (409) a backfill that would drop an unfinished one, else starts it. */
function backfillHandler(deps: ServerDeps, syncOf: (request: FastifyRequest) => string): Handler {
  return async (request, reply) => {
    const sync = syncOf(request);
    const body = parse(backfillBodySchema, parseJson(request.body), 'body');
    const since = body.since === undefined ? undefined : parseSince(body.since);
    const restart = body.restart === true;
    let unfinished;
    try {
      unfinished = await checkBackfillRequest(deps.store, sync, since, restart);
    } catch (error) {
      if (isTandemError(error) && error.code === 'BACKFILL_UNFINISHED')
        throw new HttpError(
          409,
          error.code,
          error.message.replace(/--since/g, '`since`').replace('--restart', '`restart: true`'),
        );
      throw error;
    }
    const { joined } = deps.control.start(sync, 'backfill', since, 'api', restart);
    return reply.code(202).send({
      sync,
      kind: 'backfill',
      accepted: true,
      joined,
      ...(unfinished === undefined ? {} : { resumes: unfinished.id }),
    });
  };
}

/** A dead letter as the API shows it: camelCase, the error parsed, never the payload. */
export function deadLetterView(r: DeadLetterRow): Record<string, unknown> {
  return {
    id: r.id,
    sync: r.sync,
    side: r.side,
    stage: r.stage,
    recordId: r.record_id,
    operationKey: r.operation_key,
    error: safeJson(r.error),
    createdAt: r.created_at,
  };
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
