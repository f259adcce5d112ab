/**
 * Deals in three currencies through real runs (an in-memory CRM, the real Odoo connector against
 * the Odoo sandbox, a real SQLite store): each order is created with the pricelist of its deal's
 * currency, so in that currency; a second run writes nothing (the order's `[id, name]` pricelist
 * compares with the deal's code through the chain); a deal whose currency changes moves its
 * order to the other pricelist.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/types.js';
import { syncSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { RunContext, SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import { StateStore } from '../../../state/index.js';
import { memoryConnector, type MemoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';
import { item } from '../../unit/mapping/deal-mapping.js';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';
import { ok } from './jsonrpc.js';
import { aCustomer, recordingConnector, type SentCall } from './orders.js';

let sandbox: Sandbox;
let url: string;
let erp: Connector;
let crm: MemoryConnector;
let store: StateStore;
let sync: SyncDefinition;
let cleanup: () => void;
const sent: SentCall[] = [];

const mapping = (customer: number): string => `crm: { object: deals }
erp: { object: sale.order }
reference: { erp: client_order_ref, template: 'HS-DEAL-{id}' }
constants: { erp: { partner_id: ${customer} } }
fields:
  - erp: pricelist_id
    crm: deal_currency_code
    direction: crm->erp
    transform:
      - { lookup: { object: res.currency, field: name } }
      - { lookup: { object: product.pricelist, field: currency_id } }
  - erp: order_line
    crm: line_items
    direction: crm->erp
    lines:
      key: product_id
      fields:
        - { crm: hs_sku, erp: product_id, transform: [{ lookup: { object: product.product, field: default_code } }] }
        - { crm: quantity, erp: product_uom_qty, transform: [{ decimal: { scale: 3 } }] }
        - { crm: price, erp: price_unit, transform: [{ decimal: { scale: 2 } }] }
        - { crm: discount, erp: discount, transform: [{ default: 0 }, { decimal: { scale: 2 } }] }
`;

beforeAll(async () => {
  sandbox = await startSandbox();
  url = sandbox.server.url;
  erp = recordingConnector(url, sent);
  crm = memoryConnector('crm');
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  const file = path.join(tmp.dir, 'deals.yaml');
  fs.writeFileSync(file, mapping(await aCustomer(url)));
  store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
  const config = {
    ...syncSchema.parse({ mapping: file, crm: 'crm', erp: 'erp', direction: 'crm-to-erp', lookbackSeconds: 0 }),
    name: 'deals',
    mappingFile: file,
  };
  sync = { name: 'deals', config, mapping: loadMapping(file), crm, erp };
});
afterAll(async () => {
  await store.close();
  cleanup();
  await sandbox.close();
  await removeDir(sandbox.dir);
});

const ctx = (): RunContext => ({ sync, store, logger: silentLogger(), signal: new AbortController().signal });
const currencies = async (): Promise<Record<string, string>> => {
  const orders = await ok<Array<{ client_order_ref: string; currency_id: [number, string] }>>(
    url,
    'sale.order',
    'search_read',
    [[['client_order_ref', '=like', 'HS-DEAL-900_']]],
    { fields: ['client_order_ref', 'currency_id'] },
  );
  return Object.fromEntries(orders.map((o) => [o.client_order_ref, o.currency_id[1]]));
};
const catalogReads = (): string[] =>
  sent
    .filter((c) => c.method === 'search_read' && c.model !== 'sale.order' && c.model !== 'sale.order.line')
    .map((c) => c.model);

describe('deal currencies -> order pricelists, through runSync against the Odoo sandbox', () => {
  it('creates each order in its deal’s currency, reading each catalog once', async () => {
    for (const [id, code] of [
      ['9001', 'USD'],
      ['9002', 'GBP'],
      ['9003', 'EUR'],
    ] as const)
      crm.put(id, { deal_currency_code: code, line_items: [item(`5${id}`, 'TND-4001', '1', '19.99')] });
    sent.length = 0;
    const first = await runSync(ctx(), { kind: 'incremental' });
    expect(first).toMatchObject({ status: 'succeeded', created: { erp: 3 }, failed: 0, deadLettered: 0 });
    expect(await currencies()).toEqual({ 'HS-DEAL-9001': 'USD', 'HS-DEAL-9002': 'GBP', 'HS-DEAL-9003': 'EUR' });
    expect(catalogReads().sort()).toEqual(['product.pricelist', 'product.product', 'res.currency']);
  });

  it('writes nothing on the next run, and moves an order to the pricelist of its deal’s new currency', async () => {
    const steady = await runSync(ctx(), { kind: 'incremental' });
    expect(steady).toMatchObject({ status: 'succeeded', written: { erp: 0 }, failed: 0 });
    crm.put('9001', { deal_currency_code: 'GBP', line_items: [item('59001', 'TND-4001', '1', '19.99')] });
    const moved = await runSync(ctx(), { kind: 'incremental' });
    expect(moved).toMatchObject({ status: 'succeeded', written: { erp: 1 }, created: { erp: 0 }, failed: 0 });
    expect((await currencies())['HS-DEAL-9001']).toBe('GBP');
  });
});
