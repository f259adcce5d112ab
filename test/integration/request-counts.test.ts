/**
 * What a run costs in vendor requests, counted per endpoint by the sandbox servers themselves
 * (`requestsByEndpoint`): counts, never times, so they hold on a loaded CI machine (issue #14).
 *
 * The world: 150 HubSpot contacts, 8 companies, page size 500 (Odoo's largest; HubSpot search
 * clamps it to 200), both syncs both ways, the vendors' default lookback (5 s) and settle windows
 * (HubSpot 60 s, Odoo 120 s): every run below re-reads what the runs before it wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStats } from '../../src/pipeline/context.js';
import { world, type World } from '../scenarios/harness.js';

type Counts = Readonly<Record<string, number>>;

interface Cost {
  readonly crm: Counts;
  readonly erp: Counts;
  readonly stats: RunStats;
}

const snapshot = (w: World): { crm: Counts; erp: Counts } => ({
  crm: w.app.sandbox?.crm.requestsByEndpoint() ?? {},
  erp: w.app.sandbox?.erp.requestsByEndpoint() ?? {},
});

const since = (before: Counts, after: Counts): Counts =>
  Object.fromEntries(
    Object.entries(after).flatMap(([endpoint, n]) => {
      const added = n - (before[endpoint] ?? 0);
      return added > 0 ? [[endpoint, added]] : [];
    }),
  );

/** The requests `run` made, per server and endpoint. */
async function cost(w: World, run: () => Promise<RunStats>): Promise<Cost> {
  const before = snapshot(w);
  const stats = await run();
  const after = snapshot(w);
  return { crm: since(before.crm, after.crm), erp: since(before.erp, after.erp), stats };
}

/** `res.partner.create` of many partners in one call, as an import would; resolves their ids. */
async function importPartners(w: World, partners: readonly Record<string, unknown>[]): Promise<number[]> {
  const response = await fetch(`${w.app.sandbox?.erp.url ?? ''}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      params: {
        service: 'object',
        method: 'execute_kw',
        args: ['tandem', 2, 'sandbox-odoo-key', 'res.partner', 'create', [partners]],
      },
      id: 1,
    }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (!Array.isArray(body.result)) throw new Error(`import failed: ${JSON.stringify(body.error)}`);
  return body.result as number[];
}

/** HubSpot's batch create, as a person importing contacts would. */
async function createContacts(w: World, contacts: readonly Record<string, string>[]): Promise<void> {
  const response = await fetch(`${w.app.sandbox?.crm.url ?? ''}/crm/v3/objects/contacts/batch/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-hubspot-token' },
    body: JSON.stringify({ inputs: contacts.map((properties) => ({ properties })) }),
  });
  if (response.status !== 201) throw new Error(`batch create answered ${response.status}`);
}

async function linkedContacts(w: World, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let id = 1; ids.length < count && id < 1000; id++)
    if ((await w.erpIdOf(String(id))) !== undefined) ids.push(String(id));
  if (ids.length < count) throw new Error(`only ${ids.length} linked contacts`);
  return ids;
}

describe('request counts per endpoint (sandbox)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({
      contacts: 150,
      pageSize: 500,
      configEdit: (yaml) => yaml.replace('    sandbox: crm\n', '    sandbox: crm\n    archivedReads: true\n'),
    });
    // The backfill: first contact, creates both ways; then the run that reads those writes back.
    await w.runBoth();
    await w.runBoth();
  }, 120_000);
  afterAll(async () => w.close());

  it('an idle run costs one "anything changed?" read per side, and the archived list', async () => {
    const contacts = await cost(w, () => w.run('contacts'));
    expect(contacts.stats).toMatchObject({ status: 'succeeded', written: { crm: 0, erp: 0 } });
    // The windows re-read ~130 partners and ~20 contacts: confirmed versions, no lookup, no catalog.
    expect(contacts.stats.pulled.erp).toBeGreaterThan(100);
    expect(contacts.crm).toEqual({
      'POST /crm/v3/objects/contacts/search': 1,
      'GET /crm/v3/objects/contacts?archived=true': 1,
    });
    // One scan of the window: a lookback cursor has no id, so no second is finished apart.
    expect(contacts.erp).toEqual({ 'res.partner.search_read': 1 });

    const companies = await cost(w, () => w.run('companies'));
    expect(companies.crm).toEqual({
      'POST /crm/v3/objects/companies/search': 1,
      'GET /crm/v3/objects/companies?archived=true': 1,
    });
    expect(companies.erp).toEqual({ 'res.partner.search_read': 1 });
  }, 60_000);

  it('a run after 100 edits in HubSpot costs O(100): the writes, and one request per endpoint besides', async () => {
    const ids = await linkedContacts(w, 100);
    for (const id of ids) await w.editCrm(id, { jobtitle: `Edited ${id}` });
    const run = await cost(w, () => w.run('contacts'));
    expect(run.stats).toMatchObject({ status: 'succeeded', written: { crm: 0, erp: 100 }, failed: 0 });
    expect(run.crm).toEqual({
      // The 100 edits and the window's re-reads: one search page (200).
      'POST /crm/v3/objects/contacts/search': 1,
      'GET /crm/v3/objects/contacts?archived=true': 1,
      // The ERP pass reads the 100 partners just written (new write_dates): their counterparts are
      // read by id in one batch of 100, live and archived. Echoes: nothing is written back.
      'POST /crm/v3/objects/contacts/batch/read': 1,
      'POST /crm/v3/objects/contacts/batch/read?archived=true': 1,
    });
    expect(run.erp).toEqual({
      // One lookup by id of the 100 contacts' partners (chunks of 200), one scan of the window.
      'res.partner.search_read': 2,
      // Odoo writes one record per call when each gets its own values.
      'res.partner.write': 100,
      // The catalog, once for the whole run (page after page would ask again).
      'res.country.search_read': 1,
      // Merge traces (Odoo's chatter) of the echo page.
      'mail.message.search_read': 1,
    });
  }, 120_000);

  it('a contacts run over 50 HubSpot contacts without an email reads none of them (HAS_PROPERTY pushed)', async () => {
    await createContacts(
      w,
      Array.from({ length: 50 }, (_, i) => ({ firstname: `Nomail ${i}`, lastname: 'Person' })),
    );
    const run = await cost(w, () => w.run('contacts'));
    expect(run.stats).toMatchObject({ status: 'succeeded', written: { crm: 0, erp: 0 } });
    // Without pushdown the search returns them, and the engine counts each as filtered.
    expect(run.stats.filtered).toBe(0);
    expect(run.crm['POST /crm/v3/objects/contacts/batch/read'] ?? 0).toBe(0);
  }, 120_000);
  it('a run that creates 30 partners asks Odoo once by reference and email together, HubSpot for no twins, and creates them in one call', async () => {
    await createContacts(
      w,
      Array.from({ length: 30 }, (_, i) => ({
        firstname: `New ${i}`,
        lastname: 'Person',
        email: `new.${i}@example.org`,
      })),
    );
    const run = await cost(w, () => w.run('contacts'));
    expect(run.stats).toMatchObject({ status: 'succeeded', created: { erp: 30 }, failed: 0 });
    expect(run.erp).toEqual({
      // The scan, and one counterpart lookup: `ref in [HS-<id>...]` OR-ed with the emails (was two
      // search_reads, by reference then by email). None in the writer: the references were looked
      // up this run and nobody holds them (UpsertOperation.refAbsent).
      'res.partner.search_read': 2,
      'res.partner.create': 1,
      // Merge traces (Odoo's chatter) of the page of new partners read back.
      'mail.message.search_read': 1,
    });
    expect(run.crm).toEqual({
      'POST /crm/v3/objects/contacts/search': 1,
      'GET /crm/v3/objects/contacts?archived=true': 1,
      // Only the ERP pass reading the 30 new partners back: their contacts by id, live and archived.
      // No lookup of HubSpot contacts sharing the 30 emails (same-side twins): HubSpot keeps a
      // contact's email unique (Capabilities.uniqueFields), so there are none (was one more of each).
      'POST /crm/v3/objects/contacts/batch/read': 1,
      'POST /crm/v3/objects/contacts/batch/read?archived=true': 1,
    });
  }, 120_000);

  it('a run over 20 new Odoo partners still asks Odoo for partners sharing their emails (Odoo allows twins)', async () => {
    for (let i = 0; i < 20; i++) await w.createErp({ name: `Erp Person ${i}`, email: `erp.${i}@example.org` });
    const run = await cost(w, () => w.run('contacts'));
    expect(run.stats).toMatchObject({ status: 'succeeded', created: { crm: 20 }, failed: 0 });
    expect(run.erp).toEqual({
      // The scan; the lookup of partners sharing the 20 emails (same-side twins: Odoo lets two
      // partners share an email, and HubSpot would refuse the second contact); the CRM pass
      // reading the 20 new contacts back, their partners by id. And the merge traces.
      'res.partner.search_read': 3,
      'mail.message.search_read': 1,
    });
    expect(run.crm).toEqual({
      'POST /crm/v3/objects/contacts/search': 1,
      'GET /crm/v3/objects/contacts?archived=true': 1,
      // Counterparts by reference (tandem_ref, unique) and by email, each live and archived:
      // HubSpot's batch read takes one idProperty per request, so they cannot be OR-ed.
      'POST /crm/v3/objects/contacts/batch/read': 2,
      'POST /crm/v3/objects/contacts/batch/read?archived=true': 2,
      // The creates, by upsert on tandem_ref.
      'POST /crm/v3/objects/contacts/batch/upsert': 1,
    });
  }, 120_000);

  it('a companies run over 1,000 person partners (outside its filter) reads none of them and looks nothing up', async () => {
    await importPartners(
      w,
      Array.from({ length: 1000 }, (_, i) => ({ name: `Imported Person ${i}`, is_company: false })),
    );
    const run = await cost(w, () => w.run('companies'));
    expect(run.stats).toMatchObject({ status: 'succeeded', written: { crm: 0, erp: 0 } });
    // Pushdown: `is_company = True` is in the Odoo domain, so the scan returns no person at all.
    expect(run.stats.pulled.erp).toBeLessThan(20);
    expect(run.erp).toEqual({ 'res.partner.search_read': 1 });
    expect(run.crm).toEqual({
      'POST /crm/v3/objects/companies/search': 1,
      'GET /crm/v3/objects/companies?archived=true': 1,
    });
  }, 120_000);
});
