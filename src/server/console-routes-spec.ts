/**
 * The routes the console needs beyond the control API's lists (handlers in console-routes.ts and
 * report-routes.ts). Like every /api route: `Authorization: Bearer <token>`, or a console session
 * cookie with its CSRF header (docs/console.md).
 */
import type { RouteSpec } from './route-types.js';
import * as c from './console-schemas.js';
import * as s from './schemas.js';

const unauthorized = { 401: { description: 'missing or wrong bearer token (or session)', schema: s.errorSchema } };
const missing = (what: string) => ({ 404: { description: `no such ${what}`, schema: s.errorSchema } });
const refused = (why: string) => ({ 409: { description: why, schema: s.errorSchema } });
const bad = { 400: { description: 'bad request', schema: s.errorSchema } };

const get = (path: string, operationId: string, summary: string, more: Partial<RouteSpec>): RouteSpec => ({
  method: 'GET',
  path,
  operationId,
  summary,
  tag: 'control',
  auth: 'bearer',
  responses: {},
  ...more,
});
const post = (path: string, operationId: string, summary: string, more: Partial<RouteSpec>): RouteSpec => ({
  ...get(path, operationId, summary, more),
  method: 'POST',
});

export const CONSOLE_ROUTES: readonly RouteSpec[] = [
  get('/api/overview', 'consoleOverview', "Each sync with its status, open conflicts and both connectors' breakers.", {
    responses: { 200: { description: 'the syncs', schema: c.overviewSchema }, ...unauthorized },
  }),
  get(
    '/api/conflicts/:id',
    'getConflict',
    'One conflict with both records as they are now: names, links, modification times.',
    {
      params: c.idParamsSchema,
      responses: {
        200: { description: 'the conflict', schema: c.conflictDetailSchema },
        ...unauthorized,
        ...missing('conflict'),
      },
    },
  ),
  post(
    '/api/conflicts/:id/resolve',
    'resolveConflict',
    'Resolves a conflict: take one side, or write a value; the next run delivers it.',
    {
      params: c.idParamsSchema,
      body: c.resolveBodySchema,
      responses: {
        200: { description: 'resolved; writes queued', schema: c.resolvedSchema },
        ...bad,
        ...unauthorized,
        ...missing('conflict'),
        ...refused('already resolved, or the resolution does not fit the conflict'),
      },
    },
  ),
  get(
    '/api/dead-letters/:id',
    'getDeadLetter',
    'One dead letter with its payload (personal data: shown to the token holder only).',
    {
      params: c.idParamsSchema,
      responses: {
        200: { description: 'the dead letter', schema: c.deadLetterDetailSchema },
        ...unauthorized,
        ...missing('dead letter'),
      },
    },
  ),
  post(
    '/api/dead-letters/:id/retry',
    'retryDeadLetter',
    'Puts the operation back in the outbox (same idempotency key).',
    {
      params: c.idParamsSchema,
      responses: {
        200: { description: 'back in the outbox', schema: c.letterActionSchema },
        ...unauthorized,
        ...missing('dead letter'),
        ...refused('a record that could not be mapped: fix the mapping and backfill'),
      },
    },
  ),
  post('/api/dead-letters/:id/drop', 'dropDeadLetter', 'Drops a dead letter (its operation is marked dropped).', {
    params: c.idParamsSchema,
    responses: {
      200: { description: 'dropped', schema: c.letterActionSchema },
      ...unauthorized,
      ...missing('dead letter'),
    },
  }),
  get(
    '/api/syncs/:sync/ambiguous-matches/:record',
    'getAmbiguousMatch',
    'One ambiguous match: the record and its candidates, read now.',
    {
      params: c.matchParamsSchema,
      responses: {
        200: { description: 'the match', schema: c.matchDetailSchema },
        ...unauthorized,
        ...missing('sync'),
        ...refused('no such ambiguous match (settled already?)'),
      },
    },
  ),
  post(
    '/api/syncs/:sync/ambiguous-matches/:record/link',
    'linkAmbiguousMatch',
    'Links the record to one of its candidates; the next run merges the pair.',
    {
      params: c.matchParamsSchema,
      body: c.linkBodySchema,
      responses: {
        200: { description: 'linked', schema: c.linkedSchema },
        ...bad,
        ...unauthorized,
        ...missing('sync'),
        ...refused('not a candidate, a record gone, linked already, or no such match'),
      },
    },
  ),
  get('/api/reports', 'listReports', 'Drift reports, newest first, with their summaries and files.', {
    query: s.listQuerySchema,
    responses: { 200: { description: 'the reports', schema: c.reportListSchema }, ...unauthorized },
  }),
  get('/api/reports/:id', 'getReport', "One drift report's rows (from its JSON file).", {
    params: c.idParamsSchema,
    responses: {
      200: { description: 'the report', schema: c.reportDetailSchema },
      ...unauthorized,
      ...missing('report'),
    },
  }),
  post(
    '/api/reports/:id/repair',
    'repairReport',
    "Repairs a report's repairable rows; `dryRun` (the default) only plans.",
    {
      params: c.idParamsSchema,
      query: c.repairQuerySchema,
      responses: {
        200: { description: 'the plan, or what was enqueued', schema: c.repairOutcomeSchema },
        ...unauthorized,
        ...missing('report or sync'),
        ...refused('the report has no readable JSON file'),
      },
    },
  ),
];
