/** Everything the HTTP server reads or drives, injected by the daemon (nothing global). */
import type { SyncStatus } from '../control/status.js';
import type { SyncEntry } from '../config/load.js';
import type { Logger } from '../logger.js';
import type { RuntimeConnector } from '../runtime/instrument.js';
import type { SilenceWatch } from '../webhooks/silence.js';
import type { WebhookVerifier } from '../webhooks/verify.js';
import type { StateStore } from '../../state/index.js';
import type { SyncControl } from '../control/control.js';
import type { Metrics } from './metrics.js';

export interface ServerDeps {
  readonly logger: Logger;
  readonly store: StateStore;
  readonly control: SyncControl;
  readonly connectors: Readonly<Record<string, RuntimeConnector>>;
  readonly syncs: () => readonly SyncEntry[];
  /** The figures `tandem status` prints. */
  readonly status: () => Promise<SyncStatus[]>;
  readonly metrics: Metrics;
  readonly silence: SilenceWatch;
  /** The control API's bearer token, read on every request (a rotated file is used at once). */
  readonly token: () => string;
  /** The verifier of each connector that takes webhooks. */
  readonly webhooks: () => ReadonlyMap<string, WebhookVerifier>;
  /** The server's URL as webhook senders call it; default `http://<Host header>`. */
  readonly publicUrl: () => string | undefined;
  readonly version: string;
  readonly startedAt: number;
  readonly now?: () => number;
}
