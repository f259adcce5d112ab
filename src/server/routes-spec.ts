/**
 * The API's routes as data: what each one takes and answers, in zod. The server registers a
 * handler for every entry (a test checks none is missing) and the OpenAPI document is generated
 * from this table.
 */
import type { RouteSpec } from './route-types.js';
import { CONSOLE_ROUTES } from './console-routes-spec.js';
import * as r from './run-schemas.js';
import * as s from './schemas.js';

export type { RouteAuth, RouteResponse, RouteSpec } from './route-types.js';

const unauthorized = { 401: { description: 'missing or wrong bearer token', schema: s.errorSchema } };
const noSync = { 404: { description: 'no such sync', schema: s.errorSchema } };

/** The run history (src/server/run-routes.ts). */
const RUN_ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/runs',
    operationId: 'listRuns',
    summary: 'Run history, newest first: every run, backfill and repair with its figures.',
    tag: 'control',
    auth: 'bearer',
    query: r.runListQuerySchema,
    responses: {
      200: { description: 'the runs', schema: r.runListSchema },
      400: { description: 'bad query', schema: s.errorSchema },
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
    params: r.runParamsSchema,
    query: r.runChangesQuerySchema,
    responses: {
      200: { description: 'the run and its changes', schema: r.runChangesSchema },
      400: { description: 'bad id or query', schema: s.errorSchema },
      ...unauthorized,
      404: { description: 'no such run (pruned, or never run)', schema: s.errorSchema },
    },
  },
];

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'health',
    summary: 'The process is alive.',
    tag: 'health',
    auth: 'none',
    responses: { 200: { description: 'alive', schema: s.healthSchema } },
  },
  {
    method: 'GET',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'State store open, no circuit open, no sync stale, no webhook silence alarm.',
    tag: 'health',
    auth: 'none',
    responses: {
      200: { description: 'ready', schema: s.readinessSchema },
      503: { description: 'not ready; the failed checks say why', schema: s.readinessSchema },
    },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document.',
    tag: 'health',
    auth: 'none',
    responses: { 200: { description: 'the OpenAPI 3.1 document' } },
  },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (text exposition format 0.0.4).',
    tag: 'health',
    auth: 'bearer',
    responses: { 200: { description: 'metrics', contentType: 'text/plain; version=0.0.4' }, ...unauthorized },
  },
  {
    method: 'GET',
    path: '/api/syncs',
    operationId: 'listSyncs',
    summary: 'Every sync with its status (the figures of `tandem status`).',
    tag: 'control',
    auth: 'bearer',
    responses: { 200: { description: 'the syncs', schema: s.syncListSchema }, ...unauthorized },
  },
  {
    method: 'POST',
    path: '/api/syncs/:sync/run',
    operationId: 'runSync',
    summary: 'Starts an incremental run now (joins the one in flight).',
    tag: 'control',
    auth: 'bearer',
    params: s.syncParamsSchema,
    query: s.runQuerySchema,
    responses: {
      200: { description: 'with wait=true: the run ended', schema: s.runStatsSchema },
      202: { description: 'accepted', schema: s.runAcceptedSchema },
      ...unauthorized,
      ...noSync,
    },
  },
  {
    method: 'POST',
    path: '/api/syncs/:sync/backfill',
    operationId: 'backfillSync',
    summary:
      'Starts a backfill, or resumes the unfinished one from its cursors (after the run in flight, if any). Watch it with GET.',
    tag: 'control',
    auth: 'bearer',
    params: s.syncParamsSchema,
    body: s.backfillBodySchema,
    responses: {
      202: { description: 'accepted', schema: s.runAcceptedSchema },
      400: { description: 'bad body', schema: s.errorSchema },
      ...unauthorized,
      ...noSync,
      409: {
        description: 'an unfinished backfill has another `since`: resume it (no `since`) or send `restart: true`',
        schema: s.errorSchema,
      },
    },
  },
  {
    method: 'GET',
    path: '/api/syncs/:sync/backfill',
    operationId: 'getBackfill',
    summary: 'The current or last backfill: state, per side cursor, pulled and written, rate and ETA.',
    tag: 'control',
    auth: 'bearer',
    params: s.syncParamsSchema,
    responses: { 200: { description: 'its progress', schema: s.backfillStatusSchema }, ...unauthorized, ...noSync },
  },
  ...(['pause', 'resume'] as const).map((action): RouteSpec => ({
    method: 'POST',
    path: `/api/syncs/:sync/${action}`,
    operationId: `${action}Sync`,
    summary:
      action === 'pause'
        ? 'Pauses a sync: scheduled and webhook runs skip it (kept across restarts).'
        : 'Resumes a paused sync.',
    tag: 'control',
    auth: 'bearer',
    params: s.syncParamsSchema,
    responses: { 200: { description: 'the new state', schema: s.pauseSchema }, ...unauthorized, ...noSync },
  })),
  {
    method: 'GET',
    path: '/api/dead-letters',
    operationId: 'listDeadLetters',
    summary: 'Dead letters (payloads left out: they hold personal data; use `tandem dlq show`).',
    tag: 'control',
    auth: 'bearer',
    query: s.listQuerySchema,
    responses: { 200: { description: 'dead letters', schema: s.deadLetterListSchema }, ...unauthorized },
  },
  {
    method: 'GET',
    path: '/api/ambiguous-matches',
    operationId: 'listAmbiguousMatches',
    summary: 'First-contact matches with several candidates, for a person to settle.',
    tag: 'control',
    auth: 'bearer',
    query: s.listQuerySchema,
    responses: { 200: { description: 'ambiguous matches', schema: s.ambiguousListSchema }, ...unauthorized },
  },
  {
    method: 'GET',
    path: '/api/conflicts',
    operationId: 'listConflicts',
    summary: 'Open conflicts policy could not settle (empty until the state store records them).',
    tag: 'control',
    auth: 'bearer',
    query: s.listQuerySchema,
    responses: { 200: { description: 'open conflicts', schema: s.conflictListSchema }, ...unauthorized },
  },
  ...CONSOLE_ROUTES,
  ...RUN_ROUTES,
  {
    method: 'POST',
    path: '/webhooks/:connector',
    operationId: 'receiveWebhook',
    summary: "A vendor's signed event: triggers a targeted, coalesced run of the syncs using that connector.",
    tag: 'webhooks',
    auth: 'signature',
    params: s.connectorParamsSchema,
    responses: {
      202: { description: 'verified; runs requested', schema: s.webhookAcceptedSchema },
      401: { description: 'not verified (signature, age or replay)', schema: s.errorSchema },
      404: { description: 'no webhooks configured for this connector', schema: s.errorSchema },
    },
  },
];
