/** The connector contract over the HubSpot connector, against the embedded HubSpot sandbox. */
import fs from 'node:fs';
import { describe } from 'vitest';
import { hubspotConnector } from '../../connectors/hubspot/index.js';
import { createTransport } from '../../src/http/transport.js';
import { silentLogger } from '../../src/logger.js';
import { startHubspotSandbox } from '../../sandbox/hubspot/index.js';
import { seedWorld } from '../../sandbox/seed.js';
import type { RunningServer } from '../../sandbox/types.js';
import { tempDir } from '../helpers/tmp.js';
import { contractSuite } from './contract.js';

const TOKEN = 'contract-hubspot-token';

describe('connector contract: hubspot (sandbox)', () => {
  let server: RunningServer;
  let dir: { dir: string; cleanup: () => void };
  const connector = (token: string) =>
    hubspotConnector.create('crm', hubspotConnector.configSchema.parse({ baseUrl: server.url, searchPerSecond: 5 }), {
      http: createTransport({ logger: silentLogger(), retry: { limit: 0 } }),
      logger: silentLogger(),
      secret: () => token,
    });

  contractSuite(() => ({
    object: 'contacts',
    fields: ['email', 'firstname', 'tandem_ref'],
    // The seed's bulk import gives 80 contacts one modification time.
    pageSize: 30,
    refField: 'tandem_ref',
    async setup() {
      dir = tempDir('tandem-contract-hubspot-');
      fs.mkdirSync(dir.dir, { recursive: true });
      server = await startHubspotSandbox(
        {
          dataDir: dir.dir,
          port: 0,
          world: seedWorld({ contacts: 200, companies: 10 }),
          secret: TOKEN,
          logger: silentLogger(),
        },
        { rateLimit: { max: 100_000, searchPerSecond: 100_000 } },
      );
    },
    async teardown() {
      await server.close();
      dir.cleanup();
    },
    connector: () => connector(TOKEN),
    badCredentials: () => connector('not-the-token'),
    validFields: (tag) => ({ email: `contract.${tag}@example.com`, firstname: 'Ada' }),
    invalidFields: (tag) => ({ email: `not an email ${tag}`, firstname: 'Bad' }),
    described: [
      { name: 'email', type: 'string' },
      { name: 'firstname', type: 'string' },
    ],
  }));
});
