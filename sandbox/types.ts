/** What every embedded sandbox server takes and returns. */
import type { Logger } from '../src/logger.js';
import type { FaultKind, FaultOptions } from './faults.js';
import type { SeedWorld } from './seed.js';

export interface SandboxServerOptions {
  /** Folder for the server's SQLite file; created if missing. Data survives a restart. */
  readonly dataDir: string;
  /** 0 picks a free port. Always bound to 127.0.0.1. */
  readonly port: number;
  /** Seeds an empty store on first start; ignored when the store already has data. */
  readonly world: SeedWorld;
  readonly faults?: FaultOptions;
  /** The credential the server accepts (HubSpot: the private-app token; Odoo: the password / API key). */
  readonly secret: string;
  readonly logger: Logger;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8711`. */
  readonly url: string;
  /** Requests received since start (every HTTP request, faulty or not): for measuring overhead. */
  requestCount(): number;
  /**
   * Requests received since start, by endpoint: HubSpot's `METHOD /path` (ids as `:id`, with
   * `?archived=true` kept: the archived reads are requests of their own), Odoo's `model.method`
   * of each `/jsonrpc` call (`res.partner.search_read`, `common.authenticate`). For asserting how
   * many requests a run costs, per endpoint (test/integration/request-counts.test.ts, the bench).
   */
  requestsByEndpoint(): Readonly<Record<string, number>>;
  /** Faults injected since start, by kind: to check that a chaos run met each of them. */
  faultCounts(): Readonly<Partial<Record<FaultKind, number>>>;
  close(): Promise<void>;
}
