/**
 * The document policies on the deal -> sale.order shape (in-memory connectors, a real SQLite store):
 * only deals create orders, a confirmed order is never edited silently while its state still flows
 * back, a lost deal cancels its draft order through the outbox (again after a stale write), and a
 * lost deal whose order is confirmed asks a person.
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

const POLICIES = `  - { erp: state, crm: tandem_order_state, direction: erp->crm }
filter:
  crm: { in: { dealstage: [closedwon] } }
creates: crm
locked:
  erp: { in: { state: [sale, done, cancel] } }
onLeave:
  when: { crm: { in: { dealstage: [closedlost] } } }
  action: cancel
  cancel: { erp: { state: cancel } }
`;

const CATALOG: readonly SourceRecord[] = [
  { id: '1', modifiedAt: '2024-01-01T00:00:00.000Z', deleted: false, fields: { name: 'EUR' } },
  { id: '11', modifiedAt: '2024-01-01T00:00:00.000Z', deleted: false, fields: { default_code: 'SKU-A' } },
];

describe('document policies on deals and orders', () => {
  let store: StateStore;
  let cleanup: () => void;
  let crm: MemoryConnector;
  let erp: MemoryConnector;
  let sync: SyncDefinition;
  const run = () =>
    runSync({ sync, store, logger: silentLogger(), signal: new AbortController().signal } satisfies RunContext, {
      kind: 'incremental',
    });
  const order = () => [...erp.records.values()].find((r) => r.fields['client_order_ref'] === 'HS-DEAL-1');
  const deal = (dealstage: string, quantity = '1') =>
    crm.put('1', {
      ...crm.records.get('1')?.fields,
      dealstage,
      deal_currency_code: 'EUR',
      line_items: [item('501', 'SKU-A', quantity, '5')],
    });
  /** Odoo moves the order (confirms it, a person edits it): a new version with `fields` changed. */
  const odoo = (fields: Record<string, unknown>) => {
    const o = order();
    if (o === undefined) throw new Error('no order');
    erp.put(o.id, { ...o.fields, ...fields });
  };

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'deals.yaml');
    fs.writeFileSync(file, DEALS + POLICIES);
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
    const clock = { now: Date.UTC(2024, 0, 1) };
    crm = memoryConnector('crm', { clock });
    erp = memoryConnector('erp', { clock, optimisticConcurrency: true });
    const orders = erp.lookup.findBy.bind(erp.lookup);
    erp.lookup.findBy = async (object, field, values, fields) =>
      object === 'sale.order'
        ? orders(object, field, values, fields)
        : CATALOG.filter((r) => values.includes(String(r.fields[field])));
    const config = {
      ...syncSchema.parse({ mapping: file, crm: 'crm', erp: 'erp', direction: 'both', lookbackSeconds: 0 }),
      name: 'deals',
      mappingFile: file,
    };
    sync = { name: 'deals', config, mapping: loadMapping(file), crm, erp };
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('an order typed in Odoo never becomes a deal; a won deal becomes one order', async () => {
    erp.put('77', { client_order_ref: false, state: 'draft', currency_id: 1, order_line: [] });
    deal('closedwon');
    // Without `creates`, the order would ask to create a deal (a NO_REFERENCE dead letter here).
    expect(await run()).toMatchObject({
      status: 'succeeded',
      created: { erp: 1, crm: 0 },
      failed: 0,
      deadLettered: 0,
      filtered: 1,
    });
    expect([...crm.records.keys()]).toEqual(['1']);
    expect([...erp.records.values()].filter((r) => r.fields['client_order_ref'] === 'HS-DEAL-1')).toHaveLength(1);
  });

  it('a confirmed order: line changes become a conflict, its state still reaches the deal', async () => {
    deal('closedwon');
    await run();
    odoo({ state: 'sale' });
    deal('closedwon', '4');
    expect(await run()).toMatchObject({ status: 'succeeded', written: { erp: 0, crm: 1 }, conflicts: 1 });
    expect(order()?.fields['order_line']).toMatchObject([{ product_uom_qty: 1 }]);
    expect(crm.records.get('1')?.fields['tandem_order_state']).toBe('sale');
    expect((await store.conflicts('deals')).map((c) => [c.field, c.kind])).toEqual([['order_line', 'locked']]);
  });

  it('a lost deal cancels its draft order, planned again when the order changed before the write', async () => {
    deal('closedwon');
    await run();
    odoo({ state: 'draft' });
    await run();
    deal('closedlost');
    erp.down = new Error('Odoo is down');
    expect(await run()).toMatchObject({ written: { erp: 0 } });
    odoo({ note: 'edited meanwhile' }); // the planned version is stale now
    erp.down = undefined;
    expect(await run()).toMatchObject({ status: 'succeeded', written: { erp: 1 }, failed: 0, conflicts: 0 });
    expect(order()?.fields).toMatchObject({ state: 'cancel', note: 'edited meanwhile' });
    expect(await run()).toMatchObject({ written: { erp: 0, crm: 0 }, conflicts: 0 });
  });

  it('a lost deal whose order is confirmed asks a person; nothing is cancelled', async () => {
    deal('closedwon');
    await run();
    odoo({ state: 'sale' });
    await run();
    deal('closedlost');
    expect(await run()).toMatchObject({ written: { erp: 0 }, conflicts: 1 });
    expect(order()?.fields['state']).toBe('sale');
    expect((await store.conflicts('deals')).map((c) => [c.field, c.kind])).toEqual([['(leave)', 'leave']]);
  });
});
