import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/types.js';
import { conflictSummary } from '../../src/cli/commands/conflict-text.js';
import { verifySync } from '../helpers/verify.js';
import { tick, world, type World } from './harness.js';
import { dbOf } from '../helpers/store-db.js';

/** An existing linked pair, found afresh for each scenario so scenarios do not share records. */
let used = 0;
async function pair(w: World): Promise<{ crmId: string; erpId: string }> {
  const links = await dbOf(w.app.store)
    .selectFrom('links')
    .select(['crm_id', 'erp_id'])
    .where('sync', '=', 'contacts')
    .orderBy('crm_id')
    .execute();
  const link = links[used++];
  if (link === undefined) throw new Error('out of linked pairs');
  return { crmId: link.crm_id, erpId: link.erp_id };
}

describe('bidirectional scenarios against the sandbox (owner: latest, deletes: archive)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ contacts: 120, pageSize: 20 });
  });
  afterAll(() => w.close());

  it('1. first contact: matches by email, creates what each side lacks, and every pair agrees', async () => {
    const stats = await w.runBoth();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    expect(stats.created.erp).toBeGreaterThan(0);
    expect(stats.created.crm).toBeGreaterThan(0);
    const check = await verifySync(w.app, 'contacts', { bothWays: true });
    expect(check.missing).toEqual([]);
    expect(check.mismatched).toEqual([]);
    expect(check.duplicated).toEqual([]);
  });

  it('2. the bulk import (records sharing one timestamp across several pages) is read exactly once', async () => {
    const bulk = await dbOf(w.app.store)
      .selectFrom('links')
      .select('crm_id')
      .where('sync', '=', 'contacts')
      .where('crm_id', 'in', ['102', '110', '119'])
      .execute();
    expect(bulk.map((l) => l.crm_id).sort()).toEqual(['102', '110', '119']);
    expect((await w.app.store.outboxCounts('contacts')).done).toBeGreaterThan(0);
  });

  it('3. steady state: five more runs write nothing to either side', async () => {
    for (let i = 0; i < 5; i++)
      expect(await w.runBoth()).toMatchObject({ written: { crm: 0, erp: 0 }, failed: 0, conflicts: 0 });
  });

  it('4. a contact created in the CRM becomes a partner with its reference', async () => {
    const id = await w.createCrm({ email: 'new.crm@example.com', firstname: 'Nadia', lastname: 'Crm', city: 'Oslo' });
    const stats = await w.run();
    expect(stats.created.erp).toBe(1);
    const partner = await w.erp((await w.erpIdOf(id)) ?? '');
    expect(partner?.fields).toMatchObject({
      name: 'Nadia Crm',
      email: 'new.crm@example.com',
      city: 'Oslo',
      ref: `HS-${id}`,
    });
  });

  it('5. a partner created in the ERP becomes a contact with its reference', async () => {
    const id = await w.createErp({ name: 'Erik Erp', email: 'erik.erp@example.com', city: 'Bergen' });
    const stats = await w.run();
    expect(stats.created.crm).toBe(1);
    const contact = await w.crm((await w.crmIdOf(id)) ?? '');
    expect(contact?.fields).toMatchObject({
      firstname: 'Erik',
      lastname: 'Erp',
      email: 'erik.erp@example.com',
      city: 'Bergen',
      tandem_ref: `ODOO-${id}`,
    });
  });

  it('6. an edit in the CRM reaches the ERP, and its echo is skipped on the next run', async () => {
    const { crmId, erpId } = await pair(w);
    await w.editCrm(crmId, { jobtitle: 'Chief Scenario Officer' });
    const stats = await w.run();
    expect(stats.updated.erp).toBe(1);
    // The same run reads the ERP after writing it: our own write comes back and is skipped as an echo.
    expect(stats.skippedAsEcho.erp).toBeGreaterThanOrEqual(1);
    expect(stats.written.crm).toBe(0);
    expect((await w.erp(erpId))?.fields['function']).toBe('Chief Scenario Officer');
    expect(await w.run()).toMatchObject({ written: { crm: 0, erp: 0 } });
  });

  it('7. an edit in the ERP reaches the CRM', async () => {
    const { crmId, erpId } = await pair(w);
    await w.editErp(erpId, { city: 'Trondheim' });
    expect((await w.run()).updated.crm).toBe(1);
    expect((await w.crm(crmId))?.fields['city']).toBe('Trondheim');
  });

  it('8. different fields edited on both sides: both edits survive', async () => {
    const { crmId, erpId } = await pair(w);
    await w.editCrm(crmId, { jobtitle: 'Buyer of Things' });
    await w.editErp(erpId, { zip: '0150' });
    await w.run();
    expect((await w.crm(crmId))?.fields).toMatchObject({ jobtitle: 'Buyer of Things', zip: '0150' });
    expect((await w.erp(erpId))?.fields).toMatchObject({ function: 'Buyer of Things', zip: '0150' });
  });

  it('9. the same field edited to the same value on both sides settles without a write', async () => {
    const { crmId, erpId } = await pair(w);
    await w.editCrm(crmId, { city: 'Reykjavik' });
    await w.editErp(erpId, { city: 'Reykjavik' });
    const stats = await w.run();
    expect(stats).toMatchObject({ written: { crm: 0, erp: 0 }, conflicts: 0 });
  });

  it('10. owner latest: the later edit wins (ERP first, CRM later)', async () => {
    const { crmId, erpId } = await pair(w);
    await w.editErp(erpId, { city: 'Earlier' });
    await tick();
    await w.editCrm(crmId, { city: 'Later' });
    await w.run();
    expect((await w.erp(erpId))?.fields['city']).toBe('Later');
    expect((await w.crm(crmId))?.fields['city']).toBe('Later');
  });

  it('11. owner latest: the later edit wins (CRM first, ERP later)', async () => {
    const { crmId, erpId } = await pair(w);
    await w.editCrm(crmId, { city: 'Earlier' });
    await tick();
    await w.editErp(erpId, { city: 'Later' });
    await w.run();
    expect((await w.crm(crmId))?.fields['city']).toBe('Later');
    expect((await w.erp(erpId))?.fields['city']).toBe('Later');
  });

  it('12. a partner archived in the ERP archives its contact in the CRM', async () => {
    const { crmId, erpId } = await pair(w);
    await w.archiveErp(erpId);
    const stats = await w.run();
    expect(stats.archived.crm).toBe(1);
    expect((await w.crm(crmId))?.deleted).toBe(true);
  });

  it('13. delete versus update: an archive against an edit since the last sync is a conflict, not a loss', async () => {
    const { crmId, erpId } = await pair(w);
    await w.editCrm(crmId, { jobtitle: 'Still Here' });
    await w.archiveErp(erpId);
    const stats = await w.run();
    expect(stats.archived.crm).toBe(0);
    expect(stats.conflicts).toBeGreaterThanOrEqual(1);
    const conflicts = await w.app.store.conflicts('contacts');
    expect(conflicts.map((c) => [c.crm_id, c.erp_id, c.kind, c.field])).toEqual([[crmId, erpId, 'delete', '(record)']]);
    expect((await w.crm(crmId))?.deleted).toBe(false);
  });

  it('14. ambiguous match: a new contact whose email two partners share is reported, nothing is created', async () => {
    await w.createErp({ name: 'Twin One', email: 'twins@example.com' });
    await w.createErp({ name: 'Twin Two', email: 'twins@example.com' });
    // The ERP twins themselves are new on the ERP side: both would create the same contact; neither is guessed.
    const id = await w.createCrm({ email: 'twins@example.com', firstname: 'Which', lastname: 'One' });
    const stats = await w.run();
    expect(stats.ambiguous).toBeGreaterThanOrEqual(1);
    expect(await w.erpIdOf(id)).toBeUndefined();
    const ambiguous = await w.app.store.ambiguousMatches('contacts');
    expect(ambiguous.find((a) => a.recordId === id)?.candidates).toHaveLength(2);
  });

  it('15. a missing reference waits, and arrives later: the contact gets its company once the company is linked', async () => {
    const companies = w.app.syncs['companies'];
    if (companies === undefined) throw new Error('no companies');
    const [company] = await companies.crm.writer.writeBatch('companies', [
      {
        action: 'upsert',
        key: 'new-company',
        targetId: null,
        ref: { field: 'tandem_ref', value: 'SCENARIO-CO-1' },
        fields: { name: 'Scenario Widgets AB', tandem_ref: 'SCENARIO-CO-1' },
      },
    ]);
    if (company === undefined || !company.ok) throw new Error('company create failed');
    const contact = await w.createCrm({
      email: 'waits@example.com',
      firstname: 'Wai',
      lastname: 'Ting',
      associatedcompanyid: company.id,
    });
    const waiting = await w.run('contacts');
    expect(waiting.waiting).toBeGreaterThanOrEqual(1);
    expect(await w.erpIdOf(contact)).toBeUndefined();
    await w.run('companies');
    const later = await w.run('contacts');
    expect(later.created.erp).toBe(1);
    const partnerCompany = (await w.app.store.links('companies', [company.id])).get(company.id)?.erp_id;
    const partner = await w.erp((await w.erpIdOf(contact)) ?? '');
    expect(partner?.fields['parent_id']).toEqual([Number(partnerCompany), expect.any(String)]);
  });

  it('16. a write that fails halfway: the applied half is kept, the rest is delivered on the next run, nothing doubles', async () => {
    const pairs = [await pair(w), await pair(w), await pair(w), await pair(w)];
    for (const [i, p] of pairs.entries()) await w.editCrm(p.crmId, { jobtitle: `Halfway ${i}` });
    const erp = w.contacts.erp;
    let broken = true;
    const halfway: Connector = {
      ...erp,
      writer: {
        async writeBatch(object, operations) {
          if (!broken) return erp.writer.writeBatch(object, operations);
          broken = false;
          await erp.writer.writeBatch(object, operations.slice(0, 2));
          throw new Error('connection reset after the first half');
        },
      },
    };
    const first = await w.run('contacts', { ...w.contacts, erp: halfway });
    expect(first.status).toBe('failed');
    const second = await w.run();
    expect(second.status).toBe('succeeded');
    for (const [i, p] of pairs.entries()) expect((await w.erp(p.erpId))?.fields['function']).toBe(`Halfway ${i}`);
    const check = await verifySync(w.app, 'contacts');
    expect(check.duplicated).toEqual([]);
    expect(check.duplicatedByEmail).toEqual([]);
  });

  it('17. a record changed again while its first write waits in the outbox: the latest values win', async () => {
    const { crmId, erpId } = await pair(w);
    await w.editCrm(crmId, { jobtitle: 'First' });
    const erp = w.contacts.erp;
    const down: Connector = { ...erp, writer: { writeBatch: () => Promise.reject(new Error('ECONNREFUSED')) } };
    await w.run('contacts', { ...w.contacts, erp: down });
    await w.editCrm(crmId, { jobtitle: 'Second' });
    await w.run();
    expect((await w.erp(erpId))?.fields['function']).toBe('Second');
  });

  it('18. after all that: both sides converge and five runs write nothing', async () => {
    for (let i = 0; i < 2; i++) await w.runBoth();
    for (let i = 0; i < 5; i++) expect(await w.runBoth()).toMatchObject({ written: { crm: 0, erp: 0 }, failed: 0 });
    const check = await verifySync(w.app, 'contacts');
    expect(check.mismatched).toEqual([]);
  });
});

describe('owner policies for a field changed differently on both sides', () => {
  for (const owner of ['crm', 'erp'] as const) {
    it(`19/20. owner ${owner}: the ${owner} value wins whatever the times`, async () => {
      const w = await world({ contacts: 30, mappingEdit: (y) => y.replace('owner: latest', `owner: ${owner}`) });
      try {
        await w.runBoth();
        const { crmId, erpId } = await pair(w);
        // The losing side edits last, so `latest` would have picked it.
        if (owner === 'crm') {
          await w.editCrm(crmId, { city: 'Owner Wins' });
          await tick();
          await w.editErp(erpId, { city: 'Loser' });
        } else {
          await w.editErp(erpId, { city: 'Owner Wins' });
          await tick();
          await w.editCrm(crmId, { city: 'Loser' });
        }
        await w.run();
        expect((await w.crm(crmId))?.fields['city']).toBe('Owner Wins');
        expect((await w.erp(erpId))?.fields['city']).toBe('Owner Wins');
      } finally {
        used = 0;
        await w.close();
      }
    });
  }

  it('21. owner manual: a conflict is queued, nothing is written, and resolving it writes through the outbox', async () => {
    const w = await world({ contacts: 30, mappingEdit: (y) => y.replace('owner: latest', 'owner: manual') });
    try {
      await w.runBoth();
      used = 0;
      const { crmId, erpId } = await pair(w);
      await w.editCrm(crmId, { city: 'From CRM' });
      await w.editErp(erpId, { city: 'From ERP' });
      const stats = await w.run();
      expect(stats).toMatchObject({ written: { crm: 0, erp: 0 } });
      expect(stats.conflicts).toBeGreaterThanOrEqual(1);
      // First contact under `manual` also queues the seed's disagreements (e.g. parent_id): look at this pair's city.
      const mine = async () =>
        (await w.app.store.conflicts('contacts')).filter((c) => c.crm_id === crmId && c.field === 'city');
      const [conflict] = await mine();
      expect(conflict).toMatchObject({ field: 'city', crm_value: '"From CRM"', erp_value: '"From ERP"' });
      // A second run neither duplicates the conflict nor writes.
      expect(await w.run()).toMatchObject({ written: { crm: 0, erp: 0 } });
      expect(await mine()).toHaveLength(1);

      const { resolveConflict } = await import('../../src/pipeline/resolve-conflict.js');
      if (conflict === undefined) throw new Error('no conflict');
      await resolveConflict(
        { sync: w.contacts, store: w.app.store, logger: w.app.logger, signal: new AbortController().signal },
        conflict,
        { take: 'erp' },
      );
      const resolved = await w.run();
      expect(resolved.updated.crm).toBe(1);
      expect((await w.crm(crmId))?.fields['city']).toBe('From ERP');
      expect(await mine()).toEqual([]);
      expect(await w.run()).toMatchObject({ written: { crm: 0, erp: 0 } });
    } finally {
      used = 0;
      await w.close();
    }
  });

  it('22. deletes: report keeps both records and queues a conflict instead of archiving', async () => {
    const w = await world({
      contacts: 30,
      configEdit: (c) => c.replace(/( {2}contacts:\n)/, '$1    deletes: report\n'),
    });
    try {
      await w.runBoth();
      used = 0;
      const { crmId, erpId } = await pair(w);
      await w.archiveErp(erpId);
      const stats = await w.run();
      expect(stats).toMatchObject({ archived: { crm: 0 }, conflicts: 1 });
      expect((await w.crm(crmId))?.deleted).toBe(false);
      // The contact was not touched: the conflict says so, not that it was "edited".
      const [conflict] = await w.app.store.conflicts('contacts');
      expect(conflict).toMatchObject({ kind: 'delete', crm_value: '"unchanged"', erp_value: '"deleted"' });
      if (conflict === undefined) throw new Error('no conflict');
      expect(conflictSummary(conflict)).toBe(
        'the erp record was deleted; the crm record is still there, unchanged (the sync reports deletes instead of carrying them over)',
      );
    } finally {
      used = 0;
      await w.close();
    }
  });
});

describe('HubSpot archives, seen as they happen with archivedReads', () => {
  it('23. a contact archived in HubSpot archives its partner in the ERP on the next run, once', async () => {
    const w = await world({
      contacts: 30,
      configEdit: (c) => c.replace('    sandbox: crm\n', '    sandbox: crm\n    archivedReads: true\n'),
    });
    try {
      await w.runBoth();
      await w.runBoth();
      used = 0;
      const { crmId, erpId } = await pair(w);
      await tick();
      await w.archiveCrm(crmId);
      const stats = await w.run();
      expect(stats.archived.erp).toBe(1);
      expect((await w.erp(erpId))?.deleted).toBe(true);
      // The tombstone is read again while the checkpoint has not passed it: nothing more happens.
      expect(await w.runBoth()).toMatchObject({ written: { crm: 0, erp: 0 }, failed: 0 });
      // A person restores the partner: the contact's tombstone, read again, never archives it again.
      await tick();
      await w.editErp(erpId, { active: true });
      for (let i = 0; i < 2; i++) expect(await w.runBoth()).toMatchObject({ archived: { crm: 0, erp: 0 }, failed: 0 });
      expect((await w.erp(erpId))?.deleted).toBe(false);
    } finally {
      used = 0;
      await w.close();
    }
  });

  it('24. archive and restore: a contact restored from the HubSpot recycle bin restores the partner Tandem archived', async () => {
    const w = await world({
      contacts: 30,
      configEdit: (c) => c.replace('    sandbox: crm\n', '    sandbox: crm\n    archivedReads: true\n'),
    });
    try {
      await w.runBoth();
      await w.runBoth();
      used = 0;
      const { crmId, erpId } = await pair(w);
      await tick();
      await w.archiveCrm(crmId);
      expect((await w.run()).archived.erp).toBe(1);
      expect((await w.erp(erpId))?.deleted).toBe(true);
      await tick();
      // A person restores the contact from the recycle bin (HubSpot's UI; the sandbox's admin hook).
      const restored = await fetch(`${w.app.sandbox?.crm.url ?? ''}/__sandbox/objects/contacts/${crmId}/restore`, {
        method: 'POST',
        headers: { authorization: 'Bearer sandbox-hubspot-token' },
      });
      expect(restored.status).toBe(200);
      const stats = await w.run();
      expect(stats).toMatchObject({ updated: { erp: 1 }, conflicts: 0, failed: 0 });
      expect((await w.erp(erpId))?.deleted).toBe(false);
      for (let i = 0; i < 2; i++)
        expect(await w.runBoth()).toMatchObject({ written: { crm: 0, erp: 0 }, conflicts: 0, failed: 0 });
      // Archived again later: archived again, as the first time.
      await tick();
      await w.archiveCrm(crmId);
      expect((await w.run()).archived.erp).toBe(1);
    } finally {
      used = 0;
      await w.close();
    }
  });

  it('25. archive and restore: a partner restored in the ERP cannot restore its HubSpot contact (no API): a person decides', async () => {
    const w = await world({ contacts: 30 });
    try {
      await w.runBoth();
      await w.runBoth();
      used = 0;
      const { crmId, erpId } = await pair(w);
      await tick();
      await w.archiveErp(erpId);
      expect((await w.run()).archived.crm).toBe(1);
      await tick();
      await w.editErp(erpId, { active: true });
      const stats = await w.run();
      expect(stats).toMatchObject({ archived: { crm: 0, erp: 0 }, conflicts: 1 });
      // Nothing is lost: the restored partner stays, the contact stays archived until a person acts.
      expect((await w.erp(erpId))?.deleted).toBe(false);
      expect((await w.crm(crmId))?.deleted).toBe(true);
      const [conflict] = await w.app.store.conflicts('contacts');
      expect(conflict).toMatchObject({
        kind: 'delete',
        crm_id: crmId,
        crm_value: '"deleted"',
        erp_value: '"restored"',
      });
      // Read again (the lookback): the same conflict, not a second one, and nothing written.
      expect(await w.run()).toMatchObject({ written: { crm: 0, erp: 0 } });
      expect(await w.app.store.conflicts('contacts')).toHaveLength(1);
    } finally {
      used = 0;
      await w.close();
    }
  });
});
