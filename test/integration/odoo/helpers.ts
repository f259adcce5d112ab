/** Starts the real Odoo sandbox on a temporary folder and builds the real connector against it. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { odooConnector } from '../../../connectors/odoo/index.js';
import { OdooRpc } from '../../../connectors/odoo/rpc.js';
import type { Connector, ConnectorContext } from '../../../connectors/types.js';
import { createTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import type { FaultOptions } from '../../../sandbox/faults.js';
import { startOdooSandbox } from '../../../sandbox/odoo/index.js';
import { seedWorld } from '../../../sandbox/seed.js';
import type { RunningServer } from '../../../sandbox/types.js';

export const SECRET = 'sandbox-odoo-key';
export const WORLD = seedWorld({ contacts: 300, companies: 40 });

export interface Sandbox {
  readonly server: RunningServer;
  readonly dir: string;
  connector(secret?: string): Connector;
  rpc(secret?: string): OdooRpc;
  close(): Promise<void>;
}

function context(secret: string): ConnectorContext {
  return {
    http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
    logger: silentLogger(),
    secret: () => secret,
  };
}

/** Starts a sandbox; `dir` reuses a data folder (restart), otherwise a fresh temporary one. */
export async function startSandbox(options: { dir?: string; faults?: FaultOptions } = {}): Promise<Sandbox> {
  const dir = options.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-odoo-')));
  const server = await startOdooSandbox({
    dataDir: dir,
    port: 0,
    world: WORLD,
    secret: SECRET,
    logger: silentLogger(),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  const config = odooConnector.configSchema.parse({ url: server.url, db: 'tandem', login: 'admin' });
  return {
    server,
    dir,
    connector: (secret = SECRET) => odooConnector.create('erp', config, context(secret)),
    rpc: (secret = SECRET) => new OdooRpc('erp', config, context(secret)),
    close: () => server.close(),
  };
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
