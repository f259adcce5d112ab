/**
 * The embedded sandbox: a HubSpot-compatible CRM and an Odoo-compatible ERP on 127.0.0.1,
 * seeded with one deterministic world, persisted under the data directory.
 */
import path from 'node:path';
import type { SandboxConfig } from '../src/config/schema.js';
import type { Logger } from '../src/logger.js';
import { startHubspotSandbox } from './hubspot/index.js';
import { startOdooSandbox } from './odoo/index.js';
import { seedWorld } from './seed.js';
import type { EmbeddedSandbox } from '../src/runtime/embedded.js';
import { viewPath } from './record-view.js';
import type { RunningServer } from './types.js';

/**
 * The sandbox's well-known development credentials. They guard nothing but local test data;
 * a connector bound to the sandbox uses them when its own secret is not set.
 */
export const SANDBOX_SECRETS = Object.freeze({
  crm: Object.freeze({ token: 'sandbox-hubspot-token' }),
  erp: Object.freeze({ password: 'sandbox-odoo-key' }),
});

export interface RunningSandbox {
  readonly crm: RunningServer;
  readonly erp: RunningServer;
  close(): Promise<void>;
}

export async function startSandbox(config: SandboxConfig, dataDir: string, logger: Logger): Promise<RunningSandbox> {
  const world = seedWorld({ seed: config.seed, contacts: config.contacts, companies: config.companies });
  const dir = path.join(dataDir, 'sandbox');
  const log = logger.child({ component: 'sandbox' });
  const crm = await startHubspotSandbox({
    dataDir: dir,
    port: config.crm.port,
    world,
    faults: config.faults,
    secret: SANDBOX_SECRETS.crm.token,
    logger: log.child({ server: 'hubspot' }),
  });
  let erp: RunningServer;
  try {
    erp = await startOdooSandbox({
      dataDir: dir,
      port: config.erp.port,
      world,
      faults: config.faults,
      secret: SANDBOX_SECRETS.erp.password,
      logger: log.child({ server: 'odoo' }),
    });
  } catch (error) {
    await crm.close();
    throw error;
  }
  log.info({ crm: crm.url, erp: erp.url }, 'sandbox listening');
  return {
    crm,
    erp,
    async close() {
      await Promise.allSettled([crm.close(), erp.close()]);
    },
  };
}

/** The sandbox as the product plugs it in (src/runtime/embedded.ts): its credentials, pages and servers. */
export const embeddedSandbox: EmbeddedSandbox = Object.freeze({
  secrets: SANDBOX_SECRETS,
  viewPath,
  start: startSandbox,
});
