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
   * The same requests by endpoint (HubSpot: method and path with the object named, plus
   * `?archived=true` for the recycle bin; Odoo: `model.method` of each JSON-RPC call): for the
   * benchmark's request counts and tests that assert them.
   */
  requestsByEndpoint(): Readonly<Record<string, number>>;
  /** Faults injected since start, by kind: to check that a chaos run met each of them. */
  faultCounts(): Readonly<Partial<Record<FaultKind, number>>>;
  close(): Promise<void>;
}
