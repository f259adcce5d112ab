/**
 * First contact against the sandboxes. Letter case: HubSpot stores emails in lower case, Odoo keeps
 * what was typed; a partner whose email differs from a contact's only by case is the same person,
 * and the first sync links the two, creates nothing and dead-letters nothing. A record's own
 * reference (`tandem_ref = ODOO-<id>`) names its counterpart before any match key is tried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStats } from '../../src/pipeline/context.js';
import { world, type World } from './harness.js';

const PEOPLE = 20;
const typed = (i: number): string => `Case.Person${i}@Example.COM`;

describe('first contact across letter case (sandbox HubSpot <-> sandbox Odoo)', () => {
  let w: World;
  const contacts: string[] = [];
  const partners: string[] = [];
  let stats: RunStats;

  beforeAll(async () => {
    w = await world({ contacts: 40 });
    for (let i = 0; i < PEOPLE; i++) {
      contacts.push(await w.createCrm({ email: typed(i), firstname: 'Case', lastname: `Person${i}` }));
      partners.push(await w.createErp({ name: `Case Person${i}`, email: typed(i) }));
    }
    stats = await w.runBoth();
  });
  afterAll(() => w.close());

  it('the sandboxes store the email as each vendor does: HubSpot lower case, Odoo as typed', async () => {
    expect((await w.crm(contacts[0] ?? ''))?.fields['email']).toBe('case.person0@example.com');
    expect((await w.erp(partners[0] ?? ''))?.fields['email']).toBe(typed(0));
  });

  it('links each contact to its partner: 20 links, nothing created for them, no dead letter', async () => {
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    const ours = new Set([...contacts, ...partners]);
    expect((await w.app.store.ambiguousMatches('contacts')).filter((a) => ours.has(a.recordId))).toEqual([]);
    for (let i = 0; i < PEOPLE; i++) expect(await w.erpIdOf(contacts[i] ?? '')).toBe(partners[i]);
  });

  it('records the companies sync leaves out (people) make nobody ambiguous there', async () => {
    // The seed has people sharing a name (the duplicated emails): not companies, so no twins.
    expect(await w.app.store.ambiguousMatches('companies')).toEqual([]);
  });

  it('leaves exactly one partner and one contact per person (case-insensitively)', async () => {
    const emails = [...Array(PEOPLE).keys()].map((i) => typed(i).toLowerCase());
    const erp = await w.contacts.erp.lookup.findBy('res.partner', 'email', emails, ['email'], { ignoreCase: true });
    const crm = await w.contacts.crm.lookup.findBy('contacts', 'email', emails, ['email'], { ignoreCase: true });
    expect(erp.filter((r) => !r.deleted)).toHaveLength(PEOPLE);
    expect(crm.filter((r) => !r.deleted)).toHaveLength(PEOPLE);
    expect(await w.app.store.countDeadLetters('contacts')).toBe(0);
  });
});

describe("a record's own reference comes before the match keys", () => {
  let w: World;
  afterAll(() => w.close());

  it('pairs a contact carrying tandem_ref ODOO-<id> with that partner, though their emails differ', async () => {
    w = await world({ contacts: 20 });
    const partner = await w.createErp({ name: 'Rita Ref', email: 'rita@old.example' });
    const contact = await w.createCrm({
      email: 'rita@new.example',
      firstname: 'Rita',
      lastname: 'Ref',
      tandem_ref: `ODOO-${partner}`,
    });
    const stats = await w.runBoth();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    expect(await w.erpIdOf(contact)).toBe(partner);
    const found = await w.contacts.erp.lookup.findBy('res.partner', 'email', ['rita@new.example'], ['email'], {
      ignoreCase: true,
    });
    expect(found.map((r) => r.id)).toEqual([partner]);
  });
});

describe('two partners sharing an email the CRM has never seen', () => {
  let w: World;
  afterAll(() => w.close());

  it('are an ambiguous match each: no contact is created, nothing is dead-lettered', async () => {
    w = await world({ contacts: 20 });
    const a = await w.createErp({ name: 'Tim Twin', email: 'twin@twins.example' });
    const b = await w.createErp({ name: 'Tom Twin', email: 'Twin@Twins.example' });
    const stats = await w.runBoth();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    const ambiguous = await w.app.store.ambiguousMatches('contacts');
    expect(ambiguous.filter((m) => m.recordId === a || m.recordId === b)).toHaveLength(2);
    expect(await w.contacts.crm.lookup.findBy('contacts', 'email', ['twin@twins.example'])).toEqual([]);
  });
});

describe('company names compared the way the key normalises them', () => {
  let w: World;
  afterAll(() => w.close());

  it('pairs companies whose names differ in letter case and inner white space, creating nothing', async () => {
    w = await world({ contacts: 20 });
    const companies = w.app.syncs['companies'];
    if (companies === undefined) throw new Error('no companies sync');
    const partner = await w.createErp({ name: 'NORDWIND LOGISTIK GMBH', is_company: true });
    const [created] = await companies.crm.writer.writeBatch('companies', [
      {
        action: 'upsert',
        key: 'nordwind',
        targetId: null,
        ref: { field: 'tandem_ref', value: 'typed-by-a-person' },
        fields: { name: 'Nordwind  Logistik  GmbH' },
      },
    ]);
    if (created === undefined || !created.ok) throw new Error('company create failed');
    const stats = await w.run('companies');
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    const link = (await w.app.store.linksBySide('companies', 'crm', [created.id])).get(created.id);
    expect(link?.erp_id).toBe(partner);
    const named = await companies.erp.lookup.findBy('res.partner', 'name', ['nordwind logistik gmbh'], ['name'], {
      ignoreCase: true,
      looseSpace: true,
    });
    expect(named.map((r) => r.id)).toEqual([partner]);
  });
});
