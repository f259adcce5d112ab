/**
 * The drift reports for the console: the list (the state store's summaries), one report's rows
 * (read from its JSON file, validated against the published schema), and a repair of its
 * repairable rows, a dry-run preview by default. A real repair enqueues through the outbox and
 * asks the sync for a run, which delivers (one deliverer per outbox), as a scheduled repair does.
 */
import fs from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { ReportRow } from '../../state/index.js';
import { repair } from '../drift/repair.js';
import { driftReportSchema, type DriftRow } from '../drift/report-schema.js';
import { reportView } from '../drift/report-view.js';
import type { SyncDefinition } from '../pipeline/context.js';
import { idParamsSchema, repairQuerySchema } from './console-schemas.js';
import { listQuerySchema } from './schemas.js';
import type { ServerDeps } from './deps.js';
import type { Handler } from './health-routes.js';
import { HttpError } from './http-error.js';
import { parse } from './parse.js';

/** A report's rows shown at most; the files hold them all. */
const MAX_ROWS = 2000;

/** The report's rows from its JSON file, or why they cannot be shown. */
function readRows(r: ReportRow): { rows: DriftRow[] } | { unavailable: string } {
  const file = (JSON.parse(r.files) as Record<string, string>)['json'];
  if (file === undefined)
    return { unavailable: 'this report was written without a JSON file (add json to drift.formats)' };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { unavailable: `its JSON file ${file} cannot be read (removed?)` };
  }
  const parsed = driftReportSchema.safeParse(JSON.parse(text) as unknown);
  if (!parsed.success) return { unavailable: `its JSON file ${file} is not a drift report of this version` };
  return { rows: parsed.data.rows };
}

export function reportHandlers(
  deps: ServerDeps,
  definition: (sync: string) => SyncDefinition,
): Record<string, Handler> {
  const { store } = deps;
  const reportOf = async (request: FastifyRequest): Promise<ReportRow> => {
    const id = Number(parse(idParamsSchema, request.params, 'path').id);
    // Reports are few (kept per sync); the newest 500 are searched.
    const row = (await store.reports(undefined, 500)).find((r) => r.id === id);
    if (row === undefined) throw new HttpError(404, 'NO_SUCH_REPORT', `no drift report #${id}; see GET /api/reports`);
    return row;
  };
  return {
    listReports: async (request) => {
      const { sync } = parse(listQuerySchema, request.query, 'query');
      return { reports: (await store.reports(sync, 100)).map(reportView) };
    },
    getReport: async (request) => {
      const row = await reportOf(request);
      const read = readRows(row);
      if ('unavailable' in read) return { report: reportView(row), rows: null, unavailable: read.unavailable };
      const shown = read.rows.slice(0, MAX_ROWS);
      const cut = read.rows.length > MAX_ROWS ? `the first ${MAX_ROWS} of ${read.rows.length} rows` : null;
      return { report: reportView(row), rows: shown, unavailable: cut };
    },
    repairReport: async (request) => {
      const row = await reportOf(request);
      const dryRun = parse(repairQuerySchema, request.query, 'query').dryRun !== 'false';
      const read = readRows(row);
      if ('unavailable' in read)
        throw new HttpError(409, 'NO_REPORT_ROWS', `cannot repair report #${row.id}: ${read.unavailable}`);
      const sync = definition(row.sync);
      const ctx = { sync, store, logger: deps.logger, signal: new AbortController().signal };
      const outcome = await repair(ctx, read.rows, { dryRun, deliver: false });
      if (!dryRun) {
        await store.markReportRepaired(row.id);
        if (outcome.enqueued > 0) deps.control.start(sync.name, 'incremental', undefined, 'api');
        deps.logger.info(
          { report: row.id, sync: sync.name, enqueued: outcome.enqueued, via: 'api' },
          'drift repair enqueued',
        );
      }
      const { changes, conflicts, enqueued, blocked } = outcome;
      return { dryRun, changes, conflicts, enqueued, blocked };
    },
  };
}
