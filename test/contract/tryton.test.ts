/**
 * The connector contract over the Tryton connector, against a real trytond (started by
 * scripts/tryton/server.sh), on a private copy of its database.
 */
import { contractSuite } from './contract.js';
import { connectorFor, describeTryton, privateDatabase, rpcFor } from '../integration/tryton/server.js';
import { idsSchema } from '../../connectors/tryton/schemas.js';

describeTryton('connector contract: tryton (real server)', (env) => {
  let database: { db: string; remove: () => void };

  contractSuite(() => ({
    object: 'party.party',
    fields: ['name', 'code', 'email', 'phone', 'city'],
    pageSize: 12,
    refField: 'code',
    async setup() {
      database = privateDatabase(env, 'contract');
      const rpc = rpcFor(env, database.db);
      const party = (i: number) => ({
        name: `Seed ${i}`,
        contact_mechanisms: [['create', [{ type: 'email', value: `seed.${i}@example.com` }]]],
      });
      // One create is one transaction: these 40 parties share one create_date.
      await rpc.model('party.party', 'create', [Array.from({ length: 40 }, (_, i) => party(i))], idsSchema, {
        readOnly: false,
      });
      for (let i = 40; i < 52; i++)
        await rpc.model('party.party', 'create', [[party(i)]], idsSchema, { readOnly: false });
      // Updated parties move to their write_date: the reader must merge both timestamps.
      await rpc.model('party.party', 'write', [[3, 45], { name: 'Seed updated' }], idsSchema.or(idsSchema.nullable()), {
        readOnly: false,
      });
    },
    async teardown() {
      database.remove();
    },
    connector: () => connectorFor(env, database.db),
    badCredentials: () => connectorFor(env, database.db, () => 'not-the-password', `nobody-${Date.now()}`),
    validFields: (tag) => ({ name: `Contract ${tag}`, email: `contract.${tag}@example.com`, city: 'Lyon' }),
    // Tryton checks a VAT number with python-stdnum (party.identifier check_code): this one fails.
    invalidFields: (tag) => ({ name: `Contract ${tag}`, tax_identifier: 'XX-NOT-A-VAT' }),
    described: [
      { name: 'name', type: 'string' },
      { name: 'email', type: 'string' },
      { name: 'city', type: 'string' },
    ],
  }));
});
