/**
 * Drift of the quote-to-cash sync (issue #13), against the sandbox: a won deal with no order (the
 * sync paused; its customer not linked), an order whose lines were edited in Odoo, an order paid
 * after the last run, and a deal whose amount no longer matches its order's total (a compared-only
 * field, `direction: none`). Each must be its own finding in words, with the values.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrift } from '../../src/drift/drift.js';
import type { DriftReport, DriftRow } from '../../src/drift/report-schema.js';
import type { RunContext } from '../../src/pipeline/context.js';
import { flowWorld, type FlowWorld, type Row } from '../scenarios/flow-harness.js';
import { tempDir } from '../helpers/tmp.js';

const OPEN_STAGES = ['contractsent', 'decisionmakerboughtin', 'presentationscheduled', 'qualifiedtobuy'];

describe('drift of the deals sync: the quote-to-cash findings', () => {
  let w: FlowWorld;
  let out: { dir: string; cleanup: () => void };
  const ids = { paused: '', unlinked: '', company: '', lines: '', paid: '', amount: '', confirmed: '' };
  const orders = { lines: 0, paid: 0, amount: 0, confirmed: 0 };
  let amountTotal = '';
  let report: DriftReport;

  const ctx = (): RunContext => {
    const sync = w.app.syncs['deals'];
    if (sync === undefined) throw new Error('no deals sync');
    return { sync, store: w.app.store, logger: w.app.logger, signal: new AbortController().signal };
  };
  const drift = async (): Promise<DriftReport> => {
    const outcome = await runDrift(ctx(), {
      formats: ['json'],
      outDir: out.dir,
      scratchDir: path.join(out.dir, 'scratch'),
    });
    return JSON.parse(fs.readFileSync(outcome.files.json ?? '', 'utf8')) as DriftReport;
  };
  const rowOf = (r: DriftReport, crmId: string): DriftRow | undefined => r.rows.find((row) => row.crmId === crmId);
  const orderOf = async (dealId: string): Promise<Row> => {
    const [order] = await w.orders(dealId);
    if (order === undefined) throw new Error(`deal ${dealId} has no order`);
    return order;
  };

  beforeAll(async () => {
    out = tempDir('tandem-flow-drift-');
    w = await flowWorld();
    await w.runAll();
    const open: string[] = [];
    for (const stage of OPEN_STAGES) open.push(...(await w.linkedDeals(stage)));
    const [lines, paidLater, amount, paused, confirmed] = open;
    if ([lines, paidLater, amount, paused, confirmed].includes(undefined))
      throw new Error('the seed has fewer than five open deals with a linked company');
    Object.assign(ids, { lines, paid: paidLater, amount, paused, confirmed });
    for (const id of [ids.lines, ids.paid, ids.amount, ids.confirmed]) await w.setStage(id, 'closedwon');
    expect(await w.run('deals')).toMatchObject({ created: { erp: 4 }, failed: 0 });
    orders.confirmed = Number((await orderOf(ids.confirmed))['id']);
    orders.lines = Number((await orderOf(ids.lines))['id']);
    orders.paid = Number((await orderOf(ids.paid))['id']);
    orders.amount = Number((await orderOf(ids.amount))['id']);
    amountTotal = Number((await orderOf(ids.amount))['amount_total']).toFixed(2);

    // Paid after the last run: confirmed and invoiced (a run brings that to the deal), paid below.
    await w.confirm(orders.paid);
    const [invoice] = await w.invoiceAndPost(orders.paid);
    await w.run('deals');

    // The deal's amount edited in HubSpot, no line changed: a run writes nothing for it, opens nothing.
    await w.hubspot('PATCH', `/crm/v3/objects/deals/${ids.amount}`, { properties: { amount: '12345.67' } });
    expect(await w.run('deals')).toMatchObject({ written: { crm: 0, erp: 0 }, conflicts: 0, failed: 0 });

    await w.pay(invoice ?? 0);
    // A line edited in Odoo (its quantity): of a draft order, and of a confirmed one (locked).
    await w.confirm(orders.confirmed);
    for (const order of [orders.lines, orders.confirmed]) {
      const [line] = await w.odoo<Row[]>('sale.order.line', 'search_read', [[['order_id', '=', order]]], {
        fields: ['product_uom_qty'],
      });
      await w.odoo('sale.order', 'write', [
        [order],
        { order_line: [[1, line?.['id'], { product_uom_qty: Number(line?.['product_uom_qty']) + 5 }]] },
      ]);
    }

    // Won while the sync is paused (no run since).
    await w.setStage(ids.paused, 'closedwon');
    // Won, but its customer (a company created after the companies sync ran) is not linked.
    const company = await w.hubspot('POST', '/crm/v3/objects/companies', {
      properties: { name: 'Not Yet Linked Ltd' },
    });
    ids.company = String(company['id']);
    const deal = await w.hubspot('POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Won, customer unlinked', dealstage: 'closedwon', pipeline: 'default', amount: '100' },
      associations: [
        { to: { id: ids.company }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }] },
      ],
    });
    ids.unlinked = String(deal['id']);

    report = await drift();
  }, 120_000);
  afterAll(async () => {
    await w.close();
    out.cleanup();
  });

  it('a won deal whose order was never created (sync paused) is missing in the ERP, and a repair creates it', () => {
    expect(rowOf(report, ids.paused)).toMatchObject({
      category: 'missing_counterpart',
      erpId: null,
      detail: 'missing in the erp: exists in the crm only',
      action: 'create it in the erp',
      repairable: true,
    });
  });

  it('a won deal whose customer is not linked is missing in the ERP, and says what it waits for', () => {
    expect(rowOf(report, ids.unlinked)).toMatchObject({
      category: 'missing_counterpart',
      erpId: null,
      detail: `missing in the erp: not created yet, because partner_id waits for sync companies to link record ${ids.company}`,
      repairable: false,
    });
  });

  it('an order whose lines were edited in Odoo: the lines differ, the deal wins; its total no longer matches', () => {
    const row = rowOf(report, ids.lines);
    expect(row).toMatchObject({
      category: 'field_mismatch',
      erpId: String(orders.lines),
      detail: expect.stringMatching(
        /^order_line: the lines differ \(1 line only in the crm, 1 line only in the erp\); amount_total differs \(compared only\): crm \d+\.\d\d, erp \d+\.\d\d$/,
      ) as unknown,
      repairable: true,
    });
    const lines = row?.fields.find((f) => f.field === 'order_line');
    expect(lines).toMatchObject({ winner: 'crm', action: 'write the crm value to erp' });
    expect(lines?.crm).toEqual(lines?.base); // the deal did not change: the order did
    const qty = (v: unknown) => (v as string[][]).map((l) => Number(l[1])).reduce((a, b) => a + b, 0);
    expect(qty(lines?.erp) - qty(lines?.crm)).toBe(5);
    const total = row?.fields.find((f) => f.field === 'amount_total');
    expect(total).toMatchObject({ winner: 'none' });
    expect(total?.erp).not.toEqual(total?.crm);
  });

  it('a confirmed (locked) order whose lines were edited: a person decides, as a run would ask', () => {
    const row = rowOf(report, ids.confirmed);
    expect(row).toMatchObject({ category: 'field_mismatch', erpId: String(orders.confirmed) });
    // Its confirmation has not reached the deal either (state, invoice status), and its total moved.
    expect(row?.action).toBe('update crm (2), open 1 conflict, check 1 compared-only field by hand');
    expect(row?.fields.find((f) => f.field === 'state')).toMatchObject({ crm: 'draft', erp: 'sale', winner: 'erp' });
    expect(row?.fields.find((f) => f.field === 'order_line')).toMatchObject({
      winner: 'manual',
      action: 'open a conflict for a person: the erp record is locked',
    });
  });

  it('an order paid after the last run: its invoice figures have not reached the deal', async () => {
    const total = Number((await orderOf(ids.paid))['amount_total']).toFixed(2);
    const row = rowOf(report, ids.paid);
    expect(row).toMatchObject({ category: 'field_mismatch', erpId: String(orders.paid), repairable: true });
    expect(row?.detail).toContain(`invoices.amount_paid: the erp's ${total} has not reached the crm (it shows 0.00)`);
    expect(row?.detail).toContain("invoices.payment_state: the erp's paid has not reached the crm (it shows not_paid)");
    expect(row?.fields.map((f) => [f.field, f.crm, f.erp, f.winner])).toEqual([
      ['invoices.amount_paid', '0.00', total, 'erp'],
      ['invoices.amount_due', total, '0.00', 'erp'],
      ['invoices.payment_state', 'not_paid', 'paid', 'erp'],
      ['invoices.paid_date', null, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), 'erp'],
    ]);
  });

  it("an order whose total differs from the deal's amount: compared only, both values, nothing to repair", () => {
    expect(rowOf(report, ids.amount)).toMatchObject({
      category: 'field_mismatch',
      erpId: String(orders.amount),
      detail: `amount_total differs (compared only): crm 12345.67, erp ${amountTotal}`,
      action: 'check 1 compared-only field by hand',
      repairable: false,
      fields: [
        {
          field: 'amount_total',
          crm: '12345.67',
          erp: amountTotal,
          base: null,
          winner: 'none',
          action: 'none: compared only; correct the side that is wrong',
        },
      ],
    });
  });

  it('nothing else: the other won deals and their orders agree (their totals included)', () => {
    const flagged = new Set([ids.paused, ids.unlinked, ids.lines, ids.paid, ids.amount, ids.confirmed]);
    expect(report.rows.filter((r) => !flagged.has(r.crmId ?? ''))).toEqual([]);
    expect(report.summary.categories).toMatchObject({ field_mismatch: 4, missing_counterpart: 2 });
    expect(report.summary.inAgreement).toBeGreaterThan(0);
  });

  it('a repair creates the order, writes the lines and the figures, asks about locked lines, never writes the compared-only field', async () => {
    const repaired = await runDrift(ctx(), {
      formats: ['json'],
      outDir: out.dir,
      scratchDir: path.join(out.dir, 'scratch'),
      repair: true,
    });
    expect(repaired.repair?.changes.flatMap((c) => c.fields.map((f) => f.field))).not.toContain('amount_total');
    expect(await w.orders(ids.paused)).toHaveLength(1);
    // The new order's number and state reach the deal with the sync's next run, as after any create.
    await w.run('deals');
    const after = await drift();
    // Left: the compared-only totals (the confirmed order's lines moved its total), the waiting deal,
    // and the locked order's lines, now a conflict for a person (never written to a confirmed order).
    const left = (category: string) =>
      after.rows.filter((r) => r.category === category).map((r) => [r.crmId, r.fields.map((f) => f.field)]);
    expect(left('field_mismatch').sort()).toEqual(
      [
        [ids.amount, ['amount_total']],
        [ids.confirmed, ['amount_total']],
      ].sort(),
    );
    expect(left('missing_counterpart')).toEqual([[ids.unlinked, []]]);
    expect(left('conflict')).toEqual([[ids.confirmed, ['order_line']]]);
    expect(after.rows).toHaveLength(4);
    expect(await w.deal(ids.paid)).toMatchObject({ tandem_payment_state: 'paid', tandem_amount_due: '0.00' });
    expect(await w.deal(ids.amount)).toMatchObject({ amount: '12345.67' });
  });
});
