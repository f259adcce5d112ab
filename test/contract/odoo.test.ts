/** The connector contract over the Odoo connector, against the embedded Odoo sandbox. */
import { describe } from 'vitest';
import { removeDir, startSandbox, type Sandbox } from '../integration/odoo/helpers.js';
import { contractSuite } from './contract.js';

describe('connector contract: odoo (sandbox)', () => {
  let sandbox: Sandbox;

  contractSuite(() => ({
    object: 'res.partner',
    fields: ['name', 'email', 'ref'],
    // The seed's companies arrive in one import: 40 partners share one write_date.
    pageSize: 15,
    refField: 'ref',
    async setup() {
      sandbox = await startSandbox();
    },
    async teardown() {
      await sandbox.close();
      await removeDir(sandbox.dir);
    },
    connector: () => sandbox.connector(),
    badCredentials: () => sandbox.connector('not-the-key'),
    validFields: (tag) => ({ name: `Contract ${tag}`, email: `contract.${tag}@example.com` }),
    invalidFields: (tag) => ({ name: `Contract ${tag}`, no_such_field: 1 }),
    described: [
      { name: 'name', type: 'string' },
      { name: 'email', type: 'string' },
    ],
  }));
});
