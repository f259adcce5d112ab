/**
 * Merges on either side (issue #12): a person merges two linked records in HubSpot or in Odoo.
 * The link follows the survivor, the other side's duplicate goes to the `merges:` policy, and
 * nothing archives a live customer's counterpart (runs and drift repairs alike).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runDrift } from '../../src/drift/drift.js';
import { tick, world, type World } from './harness.js';
import { dbOf } from '../helpers/store-db.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function pairs(world: World): Promise<{ crmId: string; erpId: string }[]> {
  const links = await dbOf(world.app.store)
    .selectFrom('links')
    .select(['crm_id', 'erp_id'])
    .where('sync', '=', 'contacts')
    .orderBy('crm_id')
    .execute();
  return links.slice(0, 2).map((l) => ({ crmId: l.crm_id, erpId: l.erp_id }));
}

/** HubSpot's merge endpoint, as a person's merge in the UI does it; the merged record's new id. */
async function mergeInHubspot(world: World, primary: string, loser: string): Promise<string> {
  const response = await fetch(`${world.app.sandbox?.crm.url ?? ''}/crm/v3/objects/contacts/merge`, {
    method: 'POST',
    headers: { authorization: 'Bearer sandbox-hubspot-token', 'content-type': 'application/json' },
    body: JSON.stringify({ primaryObjectId: primary, objectIdToMerge: loser }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

async function odoo(world: World, model: string, method: string, args: unknown[]): Promise<unknown> {
  const response = await fetch(`${world.app.sandbox?.erp.url ?? ''}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      params: { service: 'object', method: 'execute_kw', args: ['tandem', 2, 'sandbox-odoo-key', model, method, args] },
      id: 1,
    }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error !== undefined) throw new Error(JSON.stringify(body.error));
  return body.result;
}

/** Odoo's merge wizard, as Contacts > Action > Merge runs it: `loser` into `survivor`. */
async function mergeInOdoo(world: World, survivor: string, loser: string): Promise<void> {
  const wizard = await odoo(world, 'base.partner.merge.automatic.wizard', 'create', [
    { partner_ids: [[6, 0, [Number(survivor), Number(loser)]]], dst_partner_id: Number(survivor) },
  ]);
  await odoo(world, 'base.partner.merge.automatic.wizard', 'action_merge', [[wizard]]);
}

const repair = (world: World) =>
  runDrift(
    { sync: world.contacts, store: world.app.store, logger: world.app.logger, signal: new AbortController().signal },
    {
      formats: ['json'],
      outDir: world.app.config.reportsDir,
      scratchDir: `${world.app.config.dataDir}/scratch`,
      repair: true,
    },
  );

const withPolicy = (policy: string) => (c: string) => c.replace(/( {2}contacts:\n)/, `$1    merges: ${policy}\n`);

describe('a merge in HubSpot', () => {
  it('merges: report — the link follows the merged record, the duplicate partner is reported, nothing is archived', async () => {
    w = await world({ contacts: 30 });
    await w.runBoth();
    await w.runBoth();
    const [a, b] = await pairs(w);
    if (a === undefined || b === undefined) throw new Error('two pairs needed');
    await tick();
    const merged = await mergeInHubspot(w, a.crmId, b.crmId);
    expect(merged).not.toBe(a.crmId);
    const stats = await w.run();
    expect(stats).toMatchObject({ created: { erp: 0 }, archived: { erp: 0 }, failed: 0 });
    expect(await w.erpIdOf(merged)).toBe(a.erpId);
    expect((await w.erp(a.erpId))?.deleted).toBe(false);
    expect((await w.erp(b.erpId))?.deleted).toBe(false);
    const conflicts = (await w.app.store.conflicts('contacts')).filter((c) => c.kind === 'merge');
    expect(conflicts.map((c) => [c.crm_id, c.erp_id])).toEqual([[merged, b.erpId]]);

    // Seen again (the trace stays on the merged record), nothing more; the repair archives nobody.
    expect(await w.runBoth()).toMatchObject({ created: { crm: 0, erp: 0 }, archived: { crm: 0, erp: 0 } });
    const outcome = await repair(w);
    expect(outcome.repair?.stats.archived).toEqual({ crm: 0, erp: 0 });
    expect((await w.erp(b.erpId))?.deleted).toBe(false);
    const [conflict] = (await w.app.store.conflicts('contacts')).filter((c) => c.kind === 'merge');
    if (conflict === undefined) throw new Error('no merge conflict');
    // A person keeps the duplicate partner: resolving records it and writes nothing.
    const { resolveConflict } = await import('../../src/pipeline/resolve-conflict.js');
    const ctx = { sync: w.contacts, store: w.app.store, logger: w.app.logger, signal: new AbortController().signal };
    expect(await resolveConflict(ctx, conflict, { take: 'erp' })).toEqual([]);
    expect(await w.app.store.conflicts('contacts')).toEqual([]);
    expect(await w.runBoth()).toMatchObject({ written: { crm: 0, erp: 0 } });
  });

  it('merges: merge — the duplicate partner is merged in Odoo too', async () => {
    w = await world({ contacts: 30, configEdit: withPolicy('merge') });
    await w.runBoth();
    await w.runBoth();
    const [a, b] = await pairs(w);
    if (a === undefined || b === undefined) throw new Error('two pairs needed');
    await tick();
    const merged = await mergeInHubspot(w, a.crmId, b.crmId);
    await w.run();
    expect(await w.erpIdOf(merged)).toBe(a.erpId);
    expect((await w.erp(a.erpId))?.deleted).toBe(false);
    expect(await w.erp(b.erpId)).toBeUndefined();
    expect(await w.app.store.conflicts('contacts')).toEqual([]);
  });
});

describe('a merge the drift scan sees before any run', () => {
  it('the repair moves the link to the merged record and archives nobody', async () => {
    w = await world({ contacts: 30 });
    await w.runBoth();
    await w.runBoth();
    const [a, b] = await pairs(w);
    if (a === undefined || b === undefined) throw new Error('two pairs needed');
    await tick();
    // The later id is the primary: the merged record carries its values, and takes over its link.
    const merged = await mergeInHubspot(w, b.crmId, a.crmId);
    const outcome = await repair(w);
    const rows = outcome.head.summary.categories.deleted_one_side;
    expect(rows).toBe(2);
    expect(outcome.repair?.stats.archived).toEqual({ crm: 0, erp: 0 });
    expect(await w.erpIdOf(merged)).toBe(b.erpId);
    expect((await w.erp(a.erpId))?.deleted).toBe(false);
    expect((await w.erp(b.erpId))?.deleted).toBe(false);
    expect((await w.app.store.conflicts('contacts')).filter((c) => c.kind === 'merge')).toHaveLength(1);
    expect(await w.run()).toMatchObject({ created: { erp: 0 }, archived: { erp: 0 } });
  });
});

describe('a merge in Odoo', () => {
  it('merges: report — the duplicate contact is reported, never archived', async () => {
    w = await world({ contacts: 30 });
    await w.runBoth();
    await w.runBoth();
    const [a, b] = await pairs(w);
    if (a === undefined || b === undefined) throw new Error('two pairs needed');
    await tick();
    await mergeInOdoo(w, a.erpId, b.erpId);
    expect(await w.erp(b.erpId)).toBeUndefined();
    const stats = await w.runBoth();
    expect(stats).toMatchObject({ archived: { crm: 0 }, failed: 0 });
    expect((await w.crm(b.crmId))?.deleted).toBe(false);
    const conflicts = (await w.app.store.conflicts('contacts')).filter((c) => c.kind === 'merge');
    expect(conflicts.map((c) => [c.crm_id, c.erp_id])).toEqual([[b.crmId, a.erpId]]);
    const outcome = await repair(w);
    expect(outcome.repair?.stats.archived).toEqual({ crm: 0, erp: 0 });
    expect((await w.crm(b.crmId))?.deleted).toBe(false);
  });

  it('merges: merge — the duplicate contact is merged in HubSpot too, and the link follows its new id', async () => {
    w = await world({ contacts: 30, configEdit: withPolicy('merge') });
    await w.runBoth();
    await w.runBoth();
    const [a, b] = await pairs(w);
    if (a === undefined || b === undefined) throw new Error('two pairs needed');
    await tick();
    await mergeInOdoo(w, a.erpId, b.erpId);
    await w.runBoth();
    const merged = await w.crmIdOf(a.erpId);
    expect(merged).toBeDefined();
    expect(merged).not.toBe(a.crmId);
    expect((await w.crm(merged ?? ''))?.deleted).toBe(false);
    expect(await w.crm(b.crmId)).toBeUndefined();
    expect(await w.app.store.conflicts('contacts')).toEqual([]);
    expect(await w.runBoth()).toMatchObject({ created: { crm: 0, erp: 0 }, archived: { crm: 0, erp: 0 } });
  });
});
