/**
 * A quote-to-cash button whose answer is lost after Odoo applied it: the double-invoice case. The
 * sandbox's `lostResponseRate` fault covers the buttons and wizard actions as it covers writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';
import { executeKw, ok } from './jsonrpc.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ faults: { lostResponseRate: 1 } });
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(sandbox.dir);
});

describe('lost responses on quote-to-cash buttons', () => {
  it('confirms the order and drops the answer; a blind retry (its answer lost too) changes nothing', async () => {
    const url = sandbox.server.url;
    const [quotation = 0] = await ok<number[]>(url, 'sale.order', 'search', [[['state', '=', 'draft']]], { limit: 1 });
    const read = async (): Promise<Record<string, unknown> | undefined> =>
      (
        await ok<Array<Record<string, unknown>>>(url, 'sale.order', 'read', [[quotation]], {
          fields: ['state', 'invoice_status', 'date_order', 'write_date'],
        })
      )[0];
    await expect(executeKw(url, 'sale.order', 'action_confirm', [[quotation]])).rejects.toThrow();
    const confirmed = await read();
    expect(confirmed).toMatchObject({ state: 'sale', invoice_status: 'to invoice' });
    expect(sandbox.server.faultCounts()['lost-response']).toBe(1);
    // Odoo refuses to confirm it again (the refusal's answer is lost as well): the order is untouched.
    await expect(executeKw(url, 'sale.order', 'action_confirm', [[quotation]])).rejects.toThrow();
    expect(await read()).toEqual(confirmed);
    expect(sandbox.server.faultCounts()['lost-response']).toBe(2);
  });
});
