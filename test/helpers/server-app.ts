/** The HTTP server on an open app, as the daemon builds it, for tests that drive it with inject or a browser. */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.js';
import { SyncControl } from '../../src/control/control.js';
import { collectStatus } from '../../src/control/status.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { Metrics } from '../../src/server/metrics.js';
import { API_VERSION } from '../../src/server/openapi.js';
import { createServer } from '../../src/server/server.js';
import { SilenceWatch } from '../../src/webhooks/silence.js';
import { writeStandaloneContactsMapping } from './config.js';

export interface Served {
  readonly control: SyncControl;
  readonly metrics: Metrics;
  readonly server: FastifyInstance;
  /** Stops the syncs' runs, the server and the metrics (not the app). */
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly token: () => string;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** A SyncControl, Metrics and the server over `app`, ready for inject (not listening). */
export async function serveApp(app: App, options: ServeOptions): Promise<Served> {
  const logger = options.logger ?? silentLogger();
  const abort = new AbortController();
  const metrics = new Metrics();
  const control = new SyncControl({
    syncs: Object.values(app.syncs),
    store: app.store,
    logger,
    signal: abort.signal,
    dataDir: app.config.dataDir,
  });
  const server = createServer({
    logger,
    store: app.store,
    control,
    connectors: app.connectors,
    syncs: () => Object.values(app.config.syncs),
    status: () => collectStatus(app),
    metrics,
    silence: new SilenceWatch(new Map(), logger),
    token: options.token,
    webhooks: () => new Map(),
    publicUrl: () => undefined,
    version: API_VERSION,
    startedAt: Date.now(),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  await server.ready();
  return {
    control,
    metrics,
    server,
    async close() {
      abort.abort();
      await control.idle();
      await server.close();
      metrics.close();
    },
  };
}

export interface ContactsConfigOptions {
  readonly contacts: number;
  readonly companies: number;
  /** Top-level YAML lines before `sandbox:` (log, history). */
  readonly head?: string;
  /** More keys of the contacts sync, in flow style (`pageSize: 20`). */
  readonly sync?: string;
}

/** A config with the sandbox and one sync, `contacts` (the contact mapping without companies); its path. */
export function writeContactsConfig(dir: string, options: ContactsConfigOptions): string {
  const mapping = writeStandaloneContactsMapping(dir);
  const config = path.join(dir, 'config.yaml');
  const sync = `mapping: ${JSON.stringify(mapping)}, crm: crm, erp: erp${options.sync === undefined ? '' : `, ${options.sync}`}`;
  fs.writeFileSync(
    config,
    `dataDir: ./data
${options.head ?? ''}sandbox: { enabled: true, contacts: ${options.contacts}, companies: ${options.companies} }
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
syncs:
  contacts: { ${sync} }
`,
  );
  return config;
}
