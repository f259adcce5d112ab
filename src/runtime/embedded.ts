/**
 * The one seam between the product and the embedded sandbox. The sandbox (`sandbox/`, beside
 * `src/`) is a tool: vendor-compatible servers the connectors reach over HTTP like any vendor. The
 * product never imports it; the front end that assembles a running Tandem (`src/app.ts`) plugs an
 * {@link EmbeddedSandbox} in, and the engine sees only what this file declares.
 */
import type { SandboxConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';

/** A sandbox role: the CRM server or the ERP server. */
export type SandboxRole = 'crm' | 'erp';

/** The servers as started: where each listens. */
export interface RunningEmbedded {
  readonly crm: { readonly url: string };
  readonly erp: { readonly url: string };
  close(): Promise<void>;
}

export interface EmbeddedSandbox {
  /**
   * Each role's well-known development credentials (they guard nothing but local test data): what
   * a connector bound to that role reads when its own secret is not set.
   */
  readonly secrets: Readonly<Record<SandboxRole, Readonly<Record<string, string>>>>;
  /** The path of a record's read-only page on the sandbox, for drift report links. */
  viewPath(object: string, id: string): string;
  start(config: SandboxConfig, dataDir: string, logger: Logger): Promise<RunningEmbedded>;
}

/** A started sandbox together with what it was started from. */
export interface SandboxInUse {
  readonly kit: EmbeddedSandbox;
  readonly running: RunningEmbedded;
}
