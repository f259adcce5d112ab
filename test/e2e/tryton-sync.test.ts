/**
 * End to end against a real Tryton, both ways: the sandbox HubSpot <-> a real trytond, through
 * openApp and runSync with the shipped mappings (companies and contacts, both on party.party).
 *
 * Before the first run Tryton already holds parties of its own: people (with an email), an
 * organisation (without one), and a person whose email a HubSpot contact has (a match, not a
 * second party). The test checks that both sides get what they lack, that edits on either side
 * reach the other, that nothing is duplicated anywhere, and that once converged, runs write
 * nothing: by Tandem's counts and by the systems' own modification times.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCurrent } from '../../connectors/tryton/current.js';
import { idsSchema, nullSchema } from '../../connectors/tryton/schemas.js';
import type { TrytonRpc } from '../../connectors/tryton/rpc.js';
import type { SourceRecord, UpsertOperation } from '../../connectors/types.js';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { RunStats, SyncDefinition } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { trytonTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { verifySync } from '../helpers/verify.js';
import { describeTryton, privateDatabase, rpcFor } from '../integration/tryton/server.js';
import { dbOf } from '../helpers/store-db.js';

const CONTACTS = 120;
const COMPANIES = 15;
const SYNCS = ['companies', 'contacts'] as const;
const PARTY_FIELDS = ['code', 'name', 'email', 'phone', 'street', 'city', 'zip'] as const;

/** People and an organisation created directly in Tryton, as a user of its client would. */
const TRYTON_PEOPLE = [
  { name: 'Grace Brewster Hopper', email: 'grace.hopper@navy.example', phone: '+1 202 555 0101', city: 'Arlington' },
  { name: 'Alan Turing', email: 'alan@bletchley.example', phone: '+44 20 7946 0018', city: 'Wilmslow' },
  { name: 'Émilie du Châtelet', email: 'emilie@cirey.example', phone: '+33 1 42 68 53 00', city: 'Cirey' },
] as const;
const TRYTON_ORGANISATION = { name: 'Analytical Engines Ltd', phone: '+44 161 496 0000', city: 'Manchester' };

function mechanisms(person: { email?: string; phone: string }): unknown[] {
  return [
    [
      'create',
      [
        ...(person.email === undefined ? [] : [{ type: 'email', value: person.email }]),
        { type: 'phone', value: person.phone },
      ],
    ],
  ];
}

async function createParties(rpc: TrytonRpc, vals: readonly Record<string, unknown>[]): Promise<number[]> {
  return rpc.model('party.party', 'create', [vals], idsSchema, { readOnly: false });
}

describeTryton('sync sandbox HubSpot <-> real Tryton, both ways (companies and contacts -> parties)', (env) => {
  let app: App;
  let cleanup: () => void;
  let database: { db: string; remove: () => void };
  let rpc: TrytonRpc;
  /** Party ids created in Tryton before the first run: people, the organisation, the matching person. */
  let people: number[];
  let organisation: number;
  let matching: { party: number; contact: string; email: string };
  /** The HubSpot contacts before the first run. */
  let seeded: SourceRecord[];

  const syncOf = (name: string): SyncDefinition => {
    const sync = app.syncs[name];
    if (sync === undefined) throw new Error(`no ${name} sync`);
    return sync;
  };
  const run = (name: string): Promise<RunStats> =>
    runSync(
      { sync: syncOf(name), store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
    );
  /** One run of each sync, companies first (as the daemon orders them). */
  const runAll = async (): Promise<Record<string, RunStats>> => {
    const out: Record<string, RunStats> = {};
    for (const name of SYNCS) out[name] = await run(name);
    return out;
  };
  const readAll = async (side: 'crm' | 'erp', object: string, fields: readonly string[]): Promise<SourceRecord[]> => {
    const out: SourceRecord[] = [];
    for await (const page of syncOf('contacts')[side].reader.readChanges(object, { cursor: null, fields }))
      out.push(...page.records);
    return out;
  };
  const parties = () => readAll('erp', 'party.party', PARTY_FIELDS);
  const contacts = () =>
    readAll('crm', 'contacts', ['email', 'firstname', 'lastname', 'phone', 'address', 'city', 'zip', 'tandem_ref']);
  const companies = () => readAll('crm', 'companies', ['name', 'phone', 'address', 'city', 'zip', 'tandem_ref']);
  const latest = (records: readonly SourceRecord[]): string =>
    records.reduce((max, r) => (r.modifiedAt > max ? r.modifiedAt : max), '');
  const byId = (records: readonly SourceRecord[], id: string): SourceRecord => {
    const found = records.find((r) => r.id === id);
    if (found === undefined) throw new Error(`no record ${id}`);
    return found;
  };
  const linkOf = async (sync: string, side: 'crm' | 'erp', id: string): Promise<string> => {
    const link = (await app.store.linksBySide(sync, side, [id])).get(id);
    if (link === undefined) throw new Error(`${sync}: ${side} ${id} is not linked`);
    return side === 'crm' ? link.erp_id : link.crm_id;
  };

  const hubspotUpdate = (id: string, fields: Record<string, unknown>): UpsertOperation => ({
    action: 'upsert',
    key: `edit-${id}-${Object.keys(fields).join('-')}`,
    targetId: id,
    ref: { field: 'hs_object_id', value: id },
    fields,
  });
  const trytonWrite = (id: number, vals: Record<string, unknown>): Promise<null> =>
    rpc.model('party.party', 'write', [[id], vals], nullSchema, { readOnly: false });

  /** Runs until a round writes nothing (at most three), then three more rounds that must write nothing. */
  const convergeAndHoldStill = async (): Promise<void> => {
    let rounds = 0;
    for (;;) {
      const stats = await runAll();
      rounds++;
      for (const name of SYNCS) expect(stats[name], name).toMatchObject({ status: 'succeeded', failed: 0 });
      if (SYNCS.every((name) => stats[name]?.written.crm === 0 && stats[name]?.written.erp === 0)) break;
      expect(rounds, 'rounds until nothing is written').toBeLessThan(3);
    }
    const before = {
      parties: latest(await parties()),
      contacts: latest(await contacts()),
      companies: latest(await companies()),
    };
    for (let i = 0; i < 3; i++) {
      const stats = await runAll();
      for (const name of SYNCS)
        expect(stats[name], `${name}, steady round ${i}`).toMatchObject({
          status: 'succeeded',
          written: { crm: 0, erp: 0 },
          failed: 0,
          conflicts: 0,
        });
    }
    expect({
      parties: latest(await parties()),
      contacts: latest(await contacts()),
      companies: latest(await companies()),
    }).toEqual(before);
  };

  /** Both ways, per sync: every record linked to one counterpart with equal values; no duplicate anywhere. */
  const checkAgreement = async (): Promise<void> => {
    for (const name of SYNCS) {
      const check = await verifySync(app, name, { bothWays: true });
      expect(check.expected, name).toBeGreaterThan(name === 'contacts' ? CONTACTS * 0.8 : COMPANIES);
      expect(
        {
          missing: check.missing,
          duplicated: check.duplicated,
          mismatched: check.mismatched,
          ambiguous: check.ambiguous,
        },
        name,
      ).toEqual({
        missing: [],
        duplicated: [],
        mismatched: [],
        ambiguous: [],
      });
    }
    const counts = (values: readonly unknown[]): string[] => {
      const seen = new Map<string, number>();
      for (const v of values)
        if (typeof v === 'string' && v !== '') seen.set(v.toLowerCase(), (seen.get(v.toLowerCase()) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([v]) => v);
    };
    const live = (records: SourceRecord[]) => records.filter((r) => !r.deleted);
    const partiesNow = live(await parties());
    const contactsNow = live(await contacts());
    const companiesNow = live(await companies());
    expect(counts(partiesNow.map((p) => p.fields['code'])), 'party codes').toEqual([]);
    expect(counts(partiesNow.map((p) => p.fields['email'])), 'party emails').toEqual([]);
    expect(counts(contactsNow.map((c) => c.fields['email'])), 'contact emails').toEqual([]);
    expect(counts(contactsNow.map((c) => c.fields['tandem_ref'])), 'contact tandem_refs').toEqual([]);
    expect(counts(companiesNow.map((c) => c.fields['name'])), 'company names').toEqual([]);
    expect(counts(companiesNow.map((c) => c.fields['tandem_ref'])), 'company tandem_refs').toEqual([]);
    // Every live party is linked in exactly one of the two syncs; one live HubSpot record per party.
    const links = await dbOf(app.store)
      .selectFrom('links')
      .select('erp_id')
      .where('sync', 'in', [...SYNCS])
      .execute();
    const linked = counts(links.map((l) => `#${l.erp_id}`));
    expect(linked, 'parties linked twice').toEqual([]);
    const linkedIds = new Set(links.map((l) => l.erp_id));
    expect(
      partiesNow.filter((p) => !linkedIds.has(p.id)).map((p) => p.id),
      'parties not linked',
    ).toEqual([]);
    expect(contactsNow.filter((c) => typeof c.fields['email'] === 'string').length + companiesNow.length).toBe(
      partiesNow.length,
    );
  };

  beforeAll(async () => {
    const tmp = tempDir('tandem-tryton-e2e-');
    database = privateDatabase(env, 'e2e');
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'config.yaml');
    fs.writeFileSync(
      file,
      trytonTestConfig({
        seed: 7,
        contacts: CONTACTS,
        companies: COMPANIES,
        tryton: env,
        db: database.db,
        syncs: {
          companies: 'hubspot-companies-to-tryton-parties.yaml',
          contacts: 'hubspot-contacts-to-tryton-parties.yaml',
        },
      }),
    );
    app = await openApp(file, { logger: silentLogger() });
    rpc = rpcFor(env, database.db);

    people = await createParties(
      rpc,
      TRYTON_PEOPLE.map((p) => ({
        name: p.name,
        contact_mechanisms: mechanisms(p),
        addresses: [['create', [{ street: `1 ${p.city} Road`, city: p.city, postal_code: '12345' }]]],
      })),
    );
    [organisation] = (await createParties(rpc, [
      {
        name: TRYTON_ORGANISATION.name,
        contact_mechanisms: mechanisms(TRYTON_ORGANISATION),
        addresses: [['create', [{ street: '2 Mill Lane', city: TRYTON_ORGANISATION.city, postal_code: 'M1 1AA' }]]],
      },
    ])) as [number];
    // A person Tryton knows under an email that a HubSpot contact has, in other case, who has
    // moved since (and is known under another name): the later edit, Tryton's, wins those fields.
    seeded = await contacts();
    const contact = seeded.find((c) =>
      ['email', 'phone', 'address', 'zip'].every((f) => typeof c.fields[f] === 'string'),
    );
    if (contact === undefined) throw new Error('the sandbox has no contact with an email');
    const email = String(contact.fields['email']);
    const [party] = (await createParties(rpc, [
      {
        name: 'Known Already',
        contact_mechanisms: mechanisms({ email: email.toUpperCase(), phone: String(contact.fields['phone']) }),
        addresses: [
          ['create', [{ street: contact.fields['address'], city: 'Hamburg', postal_code: contact.fields['zip'] }]],
        ],
      },
    ])) as [number];
    matching = { party, contact: contact.id, email };
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    cleanup?.();
    database?.remove();
  });

  it('the first runs give each side what it lacks, and pair the party that has a contact’s email', async () => {
    const stats = await runAll();
    for (const name of SYNCS)
      expect(stats[name], name).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0, ambiguous: 0 });
    // HubSpot -> Tryton: one party per contact with an email, but the one Tryton already had.
    const hubspot = await contacts();
    const withEmail = seeded.filter((c) => typeof c.fields['email'] === 'string' && c.fields['email'] !== '');
    expect(withEmail.length).toBeGreaterThan(CONTACTS * 0.8);
    expect(stats['contacts']?.created.erp).toBe(withEmail.length - 1);
    expect(stats['companies']?.created.erp).toBe(COMPANIES);
    // Tryton -> HubSpot: the people as contacts, the organisation as a company.
    expect(stats['contacts']?.created.crm).toBe(TRYTON_PEOPLE.length);
    expect(stats['companies']?.created.crm).toBe(1);

    const all = await parties();
    const byCode = new Map<unknown, SourceRecord[]>();
    for (const p of all) byCode.set(p.fields['code'], [...(byCode.get(p.fields['code']) ?? []), p]);
    for (const contact of withEmail) {
      if (contact.id === matching.contact) continue;
      const found = byCode.get(`HS-${contact.id}`) ?? [];
      expect(found, `party for contact ${contact.id}`).toHaveLength(1);
      expect(found[0]?.fields).toMatchObject({
        name: `${String(contact.fields['firstname'])} ${String(contact.fields['lastname'])}`,
        email: contact.fields['email'],
        street: contact.fields['address'],
        city: contact.fields['city'],
        zip: contact.fields['zip'],
      });
      expect(String(found[0]?.fields['phone']).replace(/\s/g, '')).toBe(
        String(contact.fields['phone']).replace(/\s/g, ''),
      );
    }
    expect(await linkOf('contacts', 'crm', matching.contact)).toBe(String(matching.party));
    expect(byCode.get(`HS-${matching.contact}`)).toBeUndefined();
    const before = byId(seeded, matching.contact).fields;
    expect(byId(hubspot, matching.contact).fields).toMatchObject({
      email: matching.email,
      firstname: 'Known',
      lastname: 'Already',
      city: 'Hamburg',
      phone: before['phone'], // the same number in E.164 on the other side: not a change
      address: before['address'],
      zip: before['zip'],
    });

    for (const [i, person] of TRYTON_PEOPLE.entries()) {
      const id = people[i] as number;
      const contact = byId(hubspot, await linkOf('contacts', 'erp', String(id)));
      const [first, ...rest] = person.name.split(' ');
      expect(contact.fields).toMatchObject({
        tandem_ref: `TRYTON-${id}`,
        email: person.email,
        firstname: first,
        lastname: rest.join(' '),
        phone: person.phone.replace(/\s/g, ''),
        address: `1 ${person.city} Road`,
        city: person.city,
        zip: '12345',
      });
    }
    const company = byId(await companies(), await linkOf('companies', 'erp', String(organisation)));
    expect(company.fields).toMatchObject({
      tandem_ref: `TRYTON-${organisation}`,
      name: TRYTON_ORGANISATION.name,
      phone: TRYTON_ORGANISATION.phone.replace(/\s/g, ''),
      address: '2 Mill Lane',
      city: TRYTON_ORGANISATION.city,
      zip: 'M1 1AA',
    });
  }, 120_000);

  it('converges within two more rounds; then three rounds write nothing, by Tandem’s counts and the systems’ own times', async () => {
    await convergeAndHoldStill();
  }, 120_000);

  it('both ways, nothing is missing, mismatched or duplicated on either side', async () => {
    await checkAgreement();
  }, 60_000);

  it('an edit on each side reaches the other, and then runs write nothing again', async () => {
    const hubspot = await contacts();
    const bornInHubSpot = hubspot.filter(
      (c) => c.fields['tandem_ref'] == null && typeof c.fields['email'] === 'string',
    );
    const [edited, both] = bornInHubSpot as [SourceRecord, SourceRecord];
    const editedParty = Number(await linkOf('contacts', 'crm', edited.id));
    const bothParty = Number(await linkOf('contacts', 'crm', both.id));
    const companyOfOrganisation = await linkOf('companies', 'erp', String(organisation));
    const firstCompany = (await companies()).find((c) => c.fields['tandem_ref'] == null) as SourceRecord;
    const firstCompanyParty = Number(await linkOf('companies', 'crm', firstCompany.id));

    // HubSpot: a contact moves (city, street), a company changes its phone, and one contact's city
    // changes while Tryton changes the same person's phone.
    const hs = await syncOf('contacts').crm.writer.writeBatch('contacts', [
      hubspotUpdate(edited.id, { city: 'Kyoto', address: '1-1 Marunouchi', zip: '' }),
      hubspotUpdate(both.id, { city: 'Porto' }),
    ]);
    expect(hs.every((r) => r.ok)).toBe(true);
    const hsc = await syncOf('companies').crm.writer.writeBatch('companies', [
      hubspotUpdate(firstCompany.id, { phone: '+49 40 5555 1234' }),
    ]);
    expect(hsc.every((r) => r.ok)).toBe(true);

    // Tryton, as its client saves a party form: the party's write with one2many actions.
    const state = await readCurrent(rpc, 'party.party', [people[0] as number, bothParty, organisation]);
    const mechanismOf = (party: number, type: string): number => {
      const found = state.get(party)?.mechanisms.find((m) => m.type === type);
      if (found === undefined) throw new Error(`party ${party} has no ${type}`);
      return found.id;
    };
    const addressOf = (party: number): number => {
      const found = state.get(party)?.state.addresses[0];
      if (found === undefined) throw new Error(`party ${party} has no address`);
      return found;
    };
    await trytonWrite(people[0] as number, {
      contact_mechanisms: [['write', [mechanismOf(people[0] as number, 'phone')], { value: '+1 202 555 0199' }]],
      addresses: [['write', [addressOf(people[0] as number)], { street: '9 Navy Yard', postal_code: '20374' }]],
    });
    await trytonWrite(bothParty, {
      contact_mechanisms: [['write', [mechanismOf(bothParty, 'phone')], { value: '+351 22 123 4567' }]],
    });
    await trytonWrite(organisation, {
      name: 'Analytical Engines plc',
      contact_mechanisms: [['delete', [mechanismOf(organisation, 'phone')]]],
    });

    const stats = await runAll();
    for (const name of SYNCS) expect(stats[name], name).toMatchObject({ status: 'succeeded', failed: 0, conflicts: 0 });
    expect(stats['contacts']?.updated).toEqual({ crm: 2, erp: 2 });
    expect(stats['companies']?.updated).toEqual({ crm: 1, erp: 1 });

    const partiesNow = await parties();
    expect(byId(partiesNow, String(editedParty)).fields).toMatchObject({
      city: 'Kyoto',
      street: '1-1 Marunouchi',
      zip: null,
    });
    expect(byId(partiesNow, String(bothParty)).fields).toMatchObject({ city: 'Porto', phone: '+351 22 123 4567' });
    expect(String(byId(partiesNow, String(firstCompanyParty)).fields['phone'])).toBe('+494055551234');
    const contactsNow = await contacts();
    expect(byId(contactsNow, await linkOf('contacts', 'erp', String(people[0]))).fields).toMatchObject({
      phone: '+12025550199',
      address: '9 Navy Yard',
      zip: '20374',
      city: TRYTON_PEOPLE[0].city,
    });
    expect(byId(contactsNow, both.id).fields).toMatchObject({ city: 'Porto', phone: '+351221234567' });
    expect(byId(await companies(), companyOfOrganisation).fields).toMatchObject({
      name: 'Analytical Engines plc',
      phone: null,
    });

    await convergeAndHoldStill();
    await checkAgreement();
  }, 180_000);

  it('a party deactivated in Tryton archives its HubSpot contact, and then runs write nothing again', async () => {
    const gone = people[2] as number;
    const contact = await linkOf('contacts', 'erp', String(gone));
    await trytonWrite(gone, { active: false });
    const stats = await run('contacts');
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, archived: { crm: 1, erp: 0 } });
    expect((await contacts()).map((c) => c.id)).not.toContain(contact);
    await convergeAndHoldStill();
    await checkAgreement();
  }, 120_000);
});
