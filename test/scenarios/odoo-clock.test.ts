/**
 * Odoo's clock, end to end: `write_date` is the transaction's start, so a long transaction commits
 * rows dated before rows a reader already saw (the ERP settle window covers it); and rows stamped
 * by a server clock that was ahead must not carry the checkpoint into the future.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from './harness.js';

const ERP_SETTLE_SECONDS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `res.partner.write` through Odoo's JSON-RPC, with sandbox-only context keys (commit delay, clock offset). */
async function writePartner(w: World, id: string, values: Record<string, unknown>, context: Record<string, number>) {
  const response = await fetch(`${w.app.sandbox?.erp.url ?? ''}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      params: {
        service: 'object',
        method: 'execute_kw',
        args: ['tandem', 2, 'sandbox-odoo-key', 'res.partner', 'write', [[Number(id)], values], { context }],
      },
      id: 1,
    }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.result !== true) throw new Error(`write failed: ${JSON.stringify(body.error)}`);
}

/** A world whose contacts sync reads the ERP with a settle window of `settle` s and no lookback anywhere. */
async function odooWorld(settle: number): Promise<World> {
  const w = await world({
    contacts: 20,
    configEdit: (yaml) =>
      yaml
        .replace('    sandbox: erp\n', `    sandbox: erp\n    settleSeconds: ${settle}\n`)
        // No CRM window: a CRM re-read would fetch the partner by id and carry the change over.
        .replace('    sandbox: crm\n', '    sandbox: crm\n    settleSeconds: 0\n')
        .replace(/(\n {2}contacts:\n)/, '$1    lookbackSeconds: 0\n'),
  });
  await w.runBoth();
  await w.runBoth();
  return w;
}

async function linkedPairs(w: World, count: number): Promise<{ crm: string; erp: string }[]> {
  const pairs: { crm: string; erp: string }[] = [];
  for (let id = 1; pairs.length < count && id < 200; id++) {
    const erp = await w.erpIdOf(String(id));
    if (erp !== undefined) pairs.push({ crm: String(id), erp });
  }
  if (pairs.length < count) throw new Error('not enough linked contacts');
  return pairs;
}

describe('Odoo write_date and clocks', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('a long transaction that commits rows dated before a row already read is not missed (commit delay below the settle window)', async () => {
    w = await odooWorld(ERP_SETTLE_SECONDS);
    const [a, b] = await linkedPairs(w, 2);
    if (a === undefined || b === undefined) throw new Error('no pairs');
    await sleep(1500);
    // Stamped now, visible 3.5 s later; meanwhile a later, short transaction commits at once.
    const long = writePartner(w, a.erp, { city: 'Committed Late' }, { sandbox_commit_delay_ms: 3500 });
    await sleep(2000);
    await writePartner(w, b.erp, { city: 'Committed Early' }, {});
    await w.run('contacts');
    expect((await w.crm(b.crm))?.fields['city']).toBe('Committed Early');
    expect((await w.crm(a.crm))?.fields['city']).not.toBe('Committed Late');
    await long;
    await w.run('contacts');
    expect((await w.crm(a.crm))?.fields['city']).toBe('Committed Late');
  }, 60_000);

  it('a partner stamped by a clock 2 h ahead is synced without carrying the checkpoint: a later edit still arrives', async () => {
    w = await odooWorld(ERP_SETTLE_SECONDS);
    const [a, b] = await linkedPairs(w, 2);
    if (a === undefined || b === undefined) throw new Error('no pairs');
    await writePartner(w, a.erp, { city: 'From The Future' }, { sandbox_clock_offset_ms: 2 * 3600_000 });
    await w.run('contacts');
    expect((await w.crm(a.crm))?.fields['city']).toBe('From The Future');
    const checkpoint = await w.app.store.checkpoint('contacts', 'erp');
    expect(Date.parse(checkpoint?.modifiedAt ?? '')).toBeLessThanOrEqual(Date.now());

    await sleep(1100);
    await writePartner(w, b.erp, { city: 'Edited Later' }, {});
    await w.run('contacts');
    expect((await w.crm(b.crm))?.fields['city']).toBe('Edited Later');
  }, 60_000);

  it('a HubSpot contact dated 2099 is synced without carrying the checkpoint: a later edit still arrives', async () => {
    w = await odooWorld(ERP_SETTLE_SECONDS);
    const [c, d] = await linkedPairs(w, 2);
    if (c === undefined || d === undefined) throw new Error('no pairs');
    const response = await fetch(`${w.app.sandbox?.crm.url ?? ''}/__sandbox/objects/contacts/${c.crm}`, {
      method: 'PATCH',
      headers: { authorization: 'Bearer sandbox-hubspot-token', 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { city: 'Year 2099' }, modifiedAt: '2099-01-01T00:00:00.000Z' }),
    });
    expect(response.status).toBe(200);
    await w.run('contacts');
    expect((await w.erp(c.erp))?.fields['city']).toBe('Year 2099');
    const checkpoint = await w.app.store.checkpoint('contacts', 'crm');
    expect(Date.parse(checkpoint?.modifiedAt ?? '')).toBeLessThanOrEqual(Date.now());

    await sleep(1100);
    await w.editCrm(d.crm, { city: 'Edited After 2099' });
    await w.run('contacts');
    expect((await w.erp(d.erp))?.fields['city']).toBe('Edited After 2099');
  }, 60_000);
});
