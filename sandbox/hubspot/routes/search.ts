/**
 * `POST /crm/v3/objects/{object}/search`: filterGroups, one sort, properties, `limit` (default
 * 10, at most 200) and an offset-like `after`. Archived records never appear. Paging past 10,000
 * results is a 400, as the search guide says; `total` still counts every match. A write shows up
 * here only once indexed (the `searchIndexLagMs` fault; see store.ts), with its true
 * modification time; GET and batch read see it at once.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm (Limitations)
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { validationError } from '../errors.js';
import { SEARCH_LIMITS, compileSearch, normalizeSorts } from '../search-query.js';
import { selectProperties, toPublicObject } from '../serialize.js';
import { toRecord } from '../store.js';
import { type RouteContext, objectParam, parseBody } from './common.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const searchSchema = z.object({
  filterGroups: z
    .array(
      z.object({
        filters: z.array(
          z.object({
            propertyName: z.string(),
            operator: z.string(),
            value: scalar.optional(),
            highValue: scalar.optional(),
            values: z.array(scalar).optional(),
          }),
        ),
      }),
    )
    .default([]),
  sorts: z
    .array(z.union([z.string(), z.object({ propertyName: z.string(), direction: z.string().optional() })]))
    .default([]),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().optional(),
  after: z.union([z.string(), z.number()]).optional(),
  query: z.string().optional(),
});

export function registerSearchRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.post('/crm/v3/objects/:object/search', async (request) => {
    const object = objectParam(request.params);
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > SEARCH_LIMITS.bodyChars) {
      throw validationError(
        `The request body is ${length} characters; a search request can contain at most ${SEARCH_LIMITS.bodyChars}.`,
      );
    }
    const body = parseBody(searchSchema, request.body);
    const limit = body.limit ?? 10;
    if (limit < 1 || limit > SEARCH_LIMITS.maxLimit)
      throw validationError(`limit must be between 1 and ${SEARCH_LIMITS.maxLimit}, got ${limit}`);
    const offset = body.after === undefined || body.after === '' ? 0 : Number(body.after);
    if (!Number.isInteger(offset) || offset < 0)
      throw validationError(`after is not a valid paging cursor: ${String(body.after)}`);
    if (offset >= SEARCH_LIMITS.resultCap) {
      // Guessed wording; the 400 itself is documented ("Attempting to page beyond 10,000 will result in a 400 error").
      throw validationError(
        `The search endpoints are limited to ${SEARCH_LIMITS.resultCap} total results for any given query; after=${offset} is beyond that.`,
      );
    }
    const query = compileSearch(object, body.filterGroups, normalizeSorts(body.sorts), ctx.store);
    const compiled = ctx.store.searchLags()
      ? { ...query, where: `(${query.where}) AND indexed_at <= ?`, params: [...query.params, Date.now()] }
      : query;
    const count = Math.min(limit, SEARCH_LIMITS.resultCap - offset);
    const total =
      ctx.store.db
        .prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM objects WHERE ${compiled.where}`)
        .get(...compiled.params)?.n ?? 0;
    const rows = ctx.store.db
      .prepare<unknown[], Parameters<typeof toRecord>[0]>(
        `SELECT * FROM objects WHERE ${compiled.where} ORDER BY ${compiled.orderBy} LIMIT ? OFFSET ?`,
      )
      .all(...compiled.params, count, offset);
    const shown = selectProperties(object, body.properties, ctx.store);
    const nextOffset = offset + rows.length;
    return {
      total,
      results: rows.map((row) => toPublicObject(toRecord(row), shown, ctx.store)),
      ...(nextOffset < total && rows.length > 0 ? { paging: { next: { after: String(nextOffset) } } } : {}),
    };
  });
}
