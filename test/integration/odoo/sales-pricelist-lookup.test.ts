/**
 * A deal's currency code -> the order's pricelist, through the real Odoo connector against the
 * sandbox: the chained lookups (res.currency by name, product.pricelist by its many2one
 * currency_id) each cost one `search_read` for a whole page, the order written with that pricelist
 * is in the deal's currency, and the order read back maps to the same code (no drift).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/types.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { CompiledMapping } from '../../../src/mapping/types.js';
import { CatalogMemo, PrefetchingResolver } from '../../../src/pipeline/resolver.js';
import { StateStore } from '../../../state/index.js';
import { memoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';
import { DEALS, mappingIn, PRICELIST_MAPPING, record } from '../../unit/mapping/deal-mapping.js';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';
import { ok } from './jsonrpc.js';
import { aCustomer, productId, recordingConnector, type SentCall } from './orders.js';

let sandbox: Sandbox;
let url: string;
let connector: Connector;
let store: StateStore;
let mapping: CompiledMapping;
let cleanup: () => void;
const sent: SentCall[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
  url = sandbox.server.url;
  connector = recordingConnector(url, sent);
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
  mapping = mappingIn(tmp.dir, PRICELIST_MAPPING);
});
afterAll(async () => {
  await store.close();
  cleanup();
  await sandbox.close();
  await removeDir(sandbox.dir);
});

const resolver = (): PrefetchingResolver =>
  new PrefetchingResolver(store, { crm: memoryConnector('hubspot'), erp: connector }, new CatalogMemo());
const reads = (): string[] => sent.filter((c) => c.method === 'search_read').map((c) => c.model);

describe('the order pricelist from a deal currency, against the Odoo sandbox', () => {
  it('looks each catalog up once per page and writes an order in the deal’s currency', async () => {
    const pricelists = await ok<Array<{ id: number; currency_id: [number, string] }>>(
      url,
      'product.pricelist',
      'search_read',
      [[]],
      { fields: ['currency_id'] },
    );
    const byCode = new Map(pricelists.map((p) => [p.currency_id[1], p.id]));
    const resolving = resolver();
    sent.length = 0;
    const deals = ['USD', 'GBP', 'EUR', 'USD'].map((code, i) => record({ deal_currency_code: code }, String(i + 1)));
    const mapped = await resolving.prefetch(() => deals.map((d) => mapping.toErp(d, resolving)));
    expect(mapped.map((m) => (m.ok ? m.fields['pricelist_id'] : m.reason))).toEqual(
      ['USD', 'GBP', 'EUR', 'USD'].map((code) => byCode.get(code)),
    );
    expect(reads()).toEqual(['res.currency', 'product.pricelist']);

    const [usd] = mapped;
    if (usd === undefined || !usd.ok) throw new Error('USD deal not mapped');
    const [result] = await connector.writer.writeBatch('sale.order', [
      {
        action: 'upsert',
        key: 'k-1',
        targetId: null,
        ref: { field: 'client_order_ref', value: 'HS-DEAL-1' },
        fields: {
          ...usd.fields,
          partner_id: await aCustomer(url),
          order_line: [
            { product_id: await productId(url, 'TND-4001'), product_uom_qty: 1, price_unit: 20, discount: 0 },
          ],
        },
      },
    ]);
    expect(result).toMatchObject({ ok: true, created: true });
    const [order] = await ok<Array<{ currency_id: [number, string] }>>(url, 'sale.order', 'search_read', [
      [['client_order_ref', '=', 'HS-DEAL-1']],
      ['currency_id'],
    ]);
    expect(order?.currency_id[1]).toBe('USD');
  });

  it('maps the order read back to the deal’s code, with a fresh resolver, one read per link', async () => {
    const [order] = await connector.lookup.findBy('sale.order', 'client_order_ref', ['HS-DEAL-1'], ['pricelist_id']);
    if (order === undefined) throw new Error('order not found');
    expect(order.fields['pricelist_id']).toEqual([expect.any(Number), 'USD Customers (USD)']);
    const resolving = resolver();
    sent.length = 0;
    const back = await resolving.prefetch(() => mapping.toCrm(order, resolving));
    expect(back).toMatchObject({ ok: true, fields: { deal_currency_code: 'USD' } });
    expect(reads()).toEqual(['product.pricelist', 'res.currency']);
    const crm = await resolving.prefetch(() =>
      mapping.canonical('crm', record({ deal_currency_code: 'USD' }), resolving),
    );
    expect(crm).toEqual(mapping.canonical('erp', order, resolving));
  });

  it('is what the live field check takes: a mapping writing currency_id is refused, one writing pricelist_id passes', async () => {
    const { fields: erpFields } = await connector.schema.describe('sale.order');
    const tmp = tempDir();
    try {
      const file = (name: string, yaml: string): string => {
        const at = path.join(tmp.dir, name);
        fs.writeFileSync(at, yaml);
        return at;
      };
      expect(() => loadMapping(file('currency.yaml', DEALS), { erpFields })).toThrow(
        /erp sale\.order field "currency_id" is read-only, so Tandem cannot write it/,
      );
      expect(loadMapping(file('pricelist.yaml', PRICELIST_MAPPING), { erpFields }).erpFields).toContain('pricelist_id');
    } finally {
      tmp.cleanup();
    }
  });

  it('keeps a quotation’s pricelist when Tandem writes a new customer alone (Odoo would reset it)', async () => {
    const [order] = await connector.lookup.findBy('sale.order', 'client_order_ref', ['HS-DEAL-1'], ['pricelist_id']);
    if (order === undefined) throw new Error('order not found');
    const [, other = 0] = await ok<number[]>(url, 'res.partner', 'search', [[['is_company', '=', true]]], { limit: 2 });
    sent.length = 0;
    const [result] = await connector.writer.writeBatch('sale.order', [
      {
        action: 'upsert',
        key: 'k-2',
        targetId: order.id,
        ref: { field: 'client_order_ref', value: 'HS-DEAL-1' },
        fields: { partner_id: other },
      },
    ]);
    expect(result).toMatchObject({ ok: true });
    const write = sent.find((c) => c.method === 'write');
    expect(write?.args[1]).toEqual({
      partner_id: other,
      pricelist_id: (order.fields['pricelist_id'] as [number, string])[0],
    });
    const [after] = await ok<Array<{ partner_id: [number, string]; currency_id: [number, string] }>>(
      url,
      'sale.order',
      'read',
      [[Number(order.id)], ['partner_id', 'currency_id']],
    );
    expect(after?.partner_id[0]).toBe(other);
    expect(after?.currency_id[1]).toBe('USD');
  });
});
