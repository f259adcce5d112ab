/**
 * First contact against a real Tryton, with data of our own (sandbox HubSpot <-> trytond, the
 * shipped mappings): inactive contact mechanisms are neither read nor written, a contact matched
 * by a party's second email keeps its email and the field waits as a conflict, company names are
 * found the way the key normalises them (case, inner white space), two parties sharing an email
 * the CRM has never seen are an ambiguous match, and names keep their white space as typed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { idsSchema, mechanismsSchema } from '../../connectors/tryton/schemas.js';
import type { TrytonRpc } from '../../connectors/tryton/rpc.js';
import type { SourceRecord } from '../../connectors/types.js';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { RunStats, SyncDefinition } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { tempDir } from '../helpers/tmp.js';
import { describeTryton, privateDatabase, rpcFor } from '../integration/tryton/server.js';
import { dbOf } from '../helpers/store-db.js';

const NBSP = '\u00a0';

describeTryton('first contact against the real Tryton: mechanisms, second emails, names, twins', (env) => {
  let app: App;
  let cleanup: () => void;
  let database: { db: string; remove: () => void };
  let rpc: TrytonRpc;
  let first: Record<string, RunStats>;
  const party: Record<string, number> = {};
  const crm: Record<string, string> = {};

  const syncOf = (name: string): SyncDefinition => {
    const sync = app.syncs[name];
    if (sync === undefined) throw new Error(`no ${name} sync`);
    return sync;
  };
  const runAll = async (): Promise<Record<string, RunStats>> => {
    const out: Record<string, RunStats> = {};
    for (const name of ['companies', 'contacts'])
      out[name] = await runSync(
        { sync: syncOf(name), store: app.store, logger: app.logger, signal: new AbortController().signal },
        { kind: 'incremental' },
      );
    return out;
  };
  /** A person's edit in HubSpot, through its public batch API; the id of the record written. */
  const hubspot = async (
    object: string,
    action: 'create' | 'update',
    input: Record<string, unknown>,
  ): Promise<string> => {
    const base = app.sandbox?.crm.url;
    if (base === undefined) throw new Error('no CRM sandbox');
    const response = await fetch(`${base}/crm/v3/objects/${object}/batch/${action}`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-hubspot-token', 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [input] }),
    });
    const body = z.object({ results: z.array(z.object({ id: z.string() })).length(1) }).parse(await response.json());
    return body.results[0]?.id ?? '';
  };
  const person = (properties: Record<string, string>): Promise<string> => hubspot('contacts', 'create', { properties });
  const createParty = async (vals: Record<string, unknown>): Promise<number> => {
    const [id] = await rpc.model('party.party', 'create', [[vals]], idsSchema, { readOnly: false });
    if (id === undefined) throw new Error('no party');
    return id;
  };
  const emails = (...values: (string | { value: string; active: boolean })[]): unknown[] => [
    ['create', values.map((v) => (typeof v === 'string' ? { type: 'email', value: v } : { type: 'email', ...v }))],
  ];
  const mechanisms = (id: number) =>
    rpc.model(
      'party.contact_mechanism',
      'search_read',
      [[['party', '=', id]], 0, null, [['id', 'ASC']], ['party', 'type', 'value', 'active']],
      mechanismsSchema,
      { readOnly: true, context: { active_test: false } },
    );
  const linkOf = async (sync: string, side: 'crm' | 'erp', id: string): Promise<string | undefined> => {
    const link = (await app.store.linksBySide(sync, side, [id])).get(id);
    return link === undefined ? undefined : side === 'crm' ? link.erp_id : link.crm_id;
  };
  const contact = async (id: string): Promise<SourceRecord | undefined> =>
    (
      await syncOf('contacts').crm.lookup.findBy('contacts', 'hs_object_id', [id], ['email', 'firstname', 'lastname'])
    )[0];
  const partyRecord = async (id: number): Promise<SourceRecord | undefined> =>
    (await syncOf('contacts').erp.lookup.findBy('party.party', 'id', [String(id)], ['name', 'email', 'code']))[0];

  beforeAll(async () => {
    const tmp = tempDir('tandem-tryton-matching-');
    database = privateDatabase(env, 'matching');
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'config.yaml');
    const mapping = (name: string): string => JSON.stringify(path.resolve(`mappings/${name}`));
    const sync = (name: string): string => `
  ${name}:
    mapping: ${mapping(`hubspot-${name}-to-tryton-parties.yaml`)}
    crm: crm
    erp: erp
    direction: both
    schedule: "0 0 1 1 *"
    pageSize: 50`;
    fs.writeFileSync(
      file,
      `
dataDir: ./data
log: { level: warn }
sandbox: { enabled: true, seed: 3, contacts: 0, companies: 0, crm: { port: 0 }, erp: { port: 0 } }
connectors:
  crm:
    kind: hubspot
    sandbox: crm
    secrets: { token: { env: TANDEM_TEST_UNSET_HUBSPOT_TOKEN } }
  erp:
    kind: tryton
    url: ${JSON.stringify(env.url)}
    db: ${JSON.stringify(database.db)}
    login: ${JSON.stringify(env.login)}
    secrets: { password: { file: ${JSON.stringify(env.passwordFile)} } }
    retry: { limit: 3, baseDelayMs: 50, maxDelayMs: 2000 }
syncs:${sync('companies')}${sync('contacts')}
`,
    );
    app = await openApp(file, { logger: silentLogger() });
    rpc = rpcFor(env, database.db);

    // An inactive (retired) email listed first, then the live one in other case.
    party['ina'] = await createParty({
      name: 'Ina Active',
      contact_mechanisms: emails({ value: 'retired.ina@inactive.example', active: false }, 'Ina@Inactive.example'),
    });
    crm['ina'] = await person({ email: 'ina@inactive.example', firstname: 'Ina', lastname: 'Active' });
    party['bea'] = await createParty({
      name: 'Bea Second',
      contact_mechanisms: emails('bea@first.example', 'bea@second.example'),
    });
    crm['bea'] = await person({ email: 'bea@second.example', firstname: 'Bea', lastname: 'Second' });
    party['nordwind'] = await createParty({ name: 'NORDWIND LOGISTIK GMBH' });
    crm['nordwind'] = await hubspot('companies', 'create', { properties: { name: 'Nordwind Logistik GmbH' } });
    party['kaffee'] = await createParty({ name: 'Kaffee Haus Berlin' });
    crm['kaffee'] = await hubspot('companies', 'create', { properties: { name: 'Kaffee  Haus  Berlin' } });
    party['tim'] = await createParty({ name: 'Tim Twin', contact_mechanisms: emails('twin@twins.example') });
    party['tom'] = await createParty({ name: 'Tom Twin', contact_mechanisms: emails('Twin@Twins.example') });
    crm['maria'] = await person({ email: 'maria@cruz.example', firstname: 'Maria', lastname: 'de  la  Cruz' });
    party['jp'] = await createParty({
      name: `Jean${NBSP}Pierre Dupont`,
      contact_mechanisms: emails('jp@dupont.example'),
    });
    first = await runAll();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    cleanup?.();
    database?.remove();
  });

  it('the first run fails nothing and dead-letters nothing', () => {
    for (const name of ['companies', 'contacts'])
      expect(first[name], name).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
  });

  it('pairs by the active email only, and a CRM email change goes to the active mechanism', async () => {
    expect(await linkOf('contacts', 'crm', crm['ina'] ?? '')).toBe(String(party['ina']));
    expect((await partyRecord(party['ina'] ?? 0))?.fields['email']).toBe('Ina@Inactive.example');
    await hubspot('contacts', 'update', { id: crm['ina'], properties: { email: 'ina.new@inactive.example' } });
    expect((await runAll())['contacts']).toMatchObject({ status: 'succeeded', failed: 0, written: { erp: 1 } });
    expect((await mechanisms(party['ina'] ?? 0)).map((m) => [m.value, Boolean(m['active'])])).toEqual([
      ['retired.ina@inactive.example', false],
      ['ina.new@inactive.example', true],
    ]);
    // Read back as the party's email: the pair agrees because it does, not by reading a retired address.
    expect((await partyRecord(party['ina'] ?? 0))?.fields['email']).toBe('ina.new@inactive.example');
  });

  it('a contact matched by a second email keeps it; the email waits as a conflict, nothing is created', async () => {
    expect(await linkOf('contacts', 'crm', crm['bea'] ?? '')).toBe(String(party['bea']));
    await runAll();
    expect((await contact(crm['bea'] ?? ''))?.fields['email']).toBe('bea@second.example');
    expect((await mechanisms(party['bea'] ?? 0)).map((m) => m.value)).toEqual([
      'bea@first.example',
      'bea@second.example',
    ]);
    const open = await dbOf(app.store)
      .selectFrom('conflicts')
      .select(['crm_id', 'erp_id', 'field'])
      .where('sync', '=', 'contacts')
      .where('status', '=', 'open')
      .execute();
    expect(open).toContainEqual({ crm_id: crm['bea'], erp_id: String(party['bea']), field: 'email' });
    const beas = await syncOf('contacts').erp.lookup.findBy('party.party', 'name', ['bea second'], ['name'], {
      ignoreCase: true,
    });
    expect(beas.map((p) => p.id)).toEqual([String(party['bea'])]);
  });

  it('finds company names the way the key normalises them: letter case and inner white space', async () => {
    expect(await linkOf('companies', 'crm', crm['nordwind'] ?? '')).toBe(String(party['nordwind']));
    expect(await linkOf('companies', 'crm', crm['kaffee'] ?? '')).toBe(String(party['kaffee']));
    expect(first['companies']).toMatchObject({ created: { crm: 0, erp: 0 } });
  });

  it('two parties sharing an email the CRM has never seen: ambiguous, nothing created', async () => {
    const ambiguous = await app.store.ambiguousMatches('contacts');
    expect(ambiguous.map((a) => a.recordId).sort()).toEqual(
      expect.arrayContaining([String(party['tim']), String(party['tom'])]),
    );
    const twins = await syncOf('contacts').crm.lookup.findBy('contacts', 'email', ['twin@twins.example'], ['email']);
    expect(twins).toEqual([]);
    expect(await linkOf('contacts', 'erp', String(party['tim']))).toBeUndefined();
  });

  it('names keep their white space: "de  la  Cruz" as typed, a no-break space is no separator', async () => {
    const maria = await linkOf('contacts', 'crm', crm['maria'] ?? '');
    expect((await partyRecord(Number(maria)))?.fields['name']).toBe('Maria de  la  Cruz');
    const jp = await contact((await linkOf('contacts', 'erp', String(party['jp']))) ?? '');
    expect(jp?.fields).toMatchObject({ firstname: `Jean${NBSP}Pierre`, lastname: 'Dupont' });
  });

  it('writes nothing more once settled', async () => {
    const stats = await runAll();
    for (const name of ['companies', 'contacts'])
      expect(stats[name], name).toMatchObject({ status: 'succeeded', failed: 0, written: { crm: 0, erp: 0 } });
  });
});
