/**
 * A deal with line items through a real run (in-memory connectors, a real SQLite store): the order
 * is created with its lines, the lines' canonical value survives the base snapshot so nothing is
 * written again, reordered lines are no change, a changed quantity is, and a deal whose product is
 * missing is a dead letter naming the line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../connectors/types.js';
import { StateStore } from '../../../state/index.js';
import { syncSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { RunContext, SyncDefinition } from '../../../src/pipeline/context.js';
import { runSync } from '../../../src/pipeline/run-sync.js';
import { memoryConnector, type MemoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';
import { DEALS, item } from '../mapping/deal-mapping.js';

const CATALOG: readonly SourceRecord[] = [
  { id: '1', modifiedAt: '2024-01-01T00:00:00.000Z', deleted: false, fields: { name: 'EUR' } },
  { id: '11', modifiedAt: '2024-01-01T00:00:00.000Z', deleted: false, fields: { default_code: 'SKU-A' } },
  { id: '12', modifiedAt: '2024-01-01T00:00:00.000Z', deleted: false, fields: { default_code: 'SKU-B' } },
];

describe('a deal with lines through runSync', () => {
  let store: StateStore;
  let cleanup: () => void;
  let crm: MemoryConnector;
  let erp: MemoryConnector;
  let sync: SyncDefinition;
  let catalogReads: number;
  const ctx = (): RunContext => ({ sync, store, logger: silentLogger(), signal: new AbortController().signal });
  const order = () => [...erp.records.values()].find((r) => r.fields['client_order_ref'] === 'HS-DEAL-1');

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'deals.yaml');
    fs.writeFileSync(file, DEALS);
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
    crm = memoryConnector('crm');
    erp = memoryConnector('erp');
    catalogReads = 0;
    const orders = erp.lookup.findBy.bind(erp.lookup);
    // The catalogs (res.currency, product.product) live beside the orders.
    erp.lookup.findBy = async (object, field, values, fields) => {
      if (object === 'sale.order') return orders(object, field, values, fields);
      catalogReads++;
      return CATALOG.filter((r) => values.includes(String(r.fields[field])));
    };
    const config = {
      ...syncSchema.parse({ mapping: file, crm: 'crm', erp: 'erp', direction: 'crm-to-erp', lookbackSeconds: 0 }),
      name: 'deals',
      mappingFile: file,
    };
    sync = { name: 'deals', config, mapping: loadMapping(file), crm, erp };
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('creates the order with its lines once; reordered lines are no change, a new quantity is', async () => {
    const lines = [item('501', 'SKU-B', '1', '5'), item('502', 'SKU-A', '2', '19.99', '10')];
    crm.put('1', { deal_currency_code: 'EUR', line_items: lines });
    const first = await runSync(ctx(), { kind: 'incremental' });
    expect(first).toMatchObject({ status: 'succeeded', created: { erp: 1 }, failed: 0 });
    expect(order()?.fields['order_line']).toEqual([
      { product_id: 11, product_uom_qty: 2, price_unit: 19.99, discount: 10 },
      { product_id: 12, product_uom_qty: 1, price_unit: 5, discount: 0 },
    ]);
    expect(catalogReads).toBe(2); // one per catalog, every line's product in one query

    crm.put('1', { deal_currency_code: 'EUR', line_items: [...lines].reverse() });
    const reordered = await runSync(ctx(), { kind: 'incremental' });
    expect(reordered).toMatchObject({ status: 'succeeded', pulled: { crm: 1 }, written: { erp: 0 } });

    crm.put('1', { deal_currency_code: 'EUR', line_items: [item('501', 'SKU-B', '3', '5'), lines[1]] });
    const changed = await runSync(ctx(), { kind: 'incremental' });
    expect(changed).toMatchObject({ status: 'succeeded', written: { erp: 1 }, created: { erp: 0 } });
    expect(order()?.fields['order_line']).toMatchObject([{ product_id: 11 }, { product_id: 12, product_uom_qty: 3 }]);
  });

  it('dead-letters a deal whose line names a product the ERP does not have, naming the line', async () => {
    crm.put('1', {
      deal_currency_code: 'EUR',
      line_items: [item('501', 'SKU-A', '1', '5'), item('503', 'NOPE', '1', '1')],
    });
    const stats = await runSync(ctx(), { kind: 'incremental' });
    expect(stats).toMatchObject({ deadLettered: 1, written: { erp: 0 } });
    const letters = await store.deadLetters('deals');
    expect(letters.map((l) => [l.record_id, l.stage])).toEqual([['1', 'map']]);
    expect(JSON.parse(letters[0]?.error ?? '{}')).toMatchObject({
      code: 'MAPPING_FAILED',
      field: 'order_line',
      message: 'order_line: line 2 (id "503"), product_id: erp product.product has no record with default_code "NOPE"',
    });
  });
});
