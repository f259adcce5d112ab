/**
 * Bugs a hostile trial found around deletes, restores and dead letters (issue #12): each scenario
 * failed before its fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/types.js';
import { runDrift } from '../../src/drift/drift.js';
import type { SyncDefinition } from '../../src/pipeline/context.js';
import { tick, world, type World } from './harness.js';
import { dbOf } from '../helpers/store-db.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** The first linked pair, and the nth after it. */
async function pair(world: World, n = 0): Promise<{ crmId: string; erpId: string }> {
  const links = await dbOf(world.app.store)
    .selectFrom('links')
    .select(['crm_id', 'erp_id'])
    .where('sync', '=', 'contacts')
    .orderBy('crm_id')
    .execute();
  const link = links[n];
  if (link === undefined) throw new Error('no linked pair');
  return { crmId: link.crm_id, erpId: link.erp_id };
}

const ctx = (world: World, sync: SyncDefinition = world.contacts) => ({
  sync,
  store: world.app.store,
  logger: world.app.logger,
  signal: new AbortController().signal,
});

describe('tandem dlq drop', () => {
  it('frees the key: the same change made again later is written', async () => {
    w = await world({ contacts: 30 });
    await w.runBoth();
    const { crmId, erpId } = await pair(w);
    const erp = w.contacts.erp;
    const refusing: Connector = {
      ...erp,
      writer: {
        writeBatch: (_object, operations) =>
          Promise.resolve(
            operations.map((op) => ({
              key: op.key,
              ok: false as const,
              error: { code: 'VALIDATION_ERROR', message: 'refused for the test', retryable: false },
            })),
          ),
      },
    };
    await w.editCrm(crmId, { jobtitle: 'Dropped Once' });
    expect(await w.run('contacts', { ...w.contacts, erp: refusing })).toMatchObject({ deadLettered: 1 });
    const [letter] = await w.app.store.deadLetters('contacts');
    if (letter === undefined) throw new Error('no dead letter');
    expect(await w.app.store.dropDeadLetter(letter.id)).toBe(true);

    // Later the person saves the contact again with the same value: the same write is planned again.
    await tick();
    await w.editCrm(crmId, { jobtitle: 'Dropped Once' });
    expect(await w.run()).toMatchObject({ written: { erp: 1 }, failed: 0 });
    expect((await w.erp(erpId))?.fields['function']).toBe('Dropped Once');
  });
});

/** A drift report with its repair, written under the world's data dir. */
function repairDrift(world: World, sync: SyncDefinition = world.contacts) {
  return runDrift(ctx(world, sync), {
    formats: ['json'],
    outDir: world.app.config.reportsDir,
    scratchDir: `${world.app.config.dataDir}/scratch`,
    repair: true,
  });
}

describe('drift --repair counts what it enqueued', () => {
  it('a planned write whose operation is dead-lettered already is not counted as enqueued', async () => {
    w = await world({ contacts: 30 });
    await w.runBoth();
    const { crmId } = await pair(w, 1);
    const erp = w.contacts.erp;
    const refusing: Connector = {
      ...erp,
      writer: {
        writeBatch: (_object, operations) =>
          Promise.resolve(
            operations.map((op) => ({
              key: op.key,
              ok: false as const,
              error: { code: 'VALIDATION_ERROR', message: 'refused for the test', retryable: false },
            })),
          ),
      },
    };
    await w.editCrm(crmId, { jobtitle: 'Dead Already' });
    expect(await w.run('contacts', { ...w.contacts, erp: refusing })).toMatchObject({ deadLettered: 1 });
    const outcome = await repairDrift(w);
    expect(outcome.repair?.changes.length).toBeGreaterThanOrEqual(1);
    expect(outcome.repair).toMatchObject({ enqueued: 0, blocked: 1 });
  });
});

describe('deletes: ignore, then archive', () => {
  it('the repair archives the counterpart it calls repairable, and the report is truly repaired', async () => {
    w = await world({ contacts: 30, configEdit: (c) => c.replace(/( {2}contacts:\n)/, '$1    deletes: ignore\n') });
    await w.runBoth();
    const { crmId, erpId } = await pair(w);
    await tick();
    await w.archiveErp(erpId);
    expect(await w.run()).toMatchObject({ archived: { crm: 0 }, conflicts: 0 });
    expect((await w.crm(crmId))?.deleted).toBe(false);

    const archive: SyncDefinition = { ...w.contacts, config: { ...w.contacts.config, deletes: 'archive' } };
    const outcome = await repairDrift(w, archive);
    expect(outcome.head.summary.categories.deleted_one_side).toBe(1);
    expect(outcome.head.summary.repairable).toBe(1);
    expect(outcome.repair).toMatchObject({ enqueued: 1, stats: { archived: { crm: 1 } } });
    expect((await w.crm(crmId))?.deleted).toBe(true);
    const again = await repairDrift(w, archive);
    expect(again.head.summary.categories.deleted_one_side).toBe(0);
  });
});

describe('restore, with HubSpot archives read (archivedReads, as the example config)', () => {
  it('a partner restored after Tandem archived its contact stays restored: a person decides about the contact', async () => {
    w = await world({
      contacts: 30,
      configEdit: (c) => c.replace('    sandbox: crm\n', '    sandbox: crm\n    archivedReads: true\n'),
    });
    await w.runBoth();
    await w.runBoth();
    const { crmId, erpId } = await pair(w);
    await tick();
    await w.archiveErp(erpId);
    expect((await w.run()).archived.crm).toBe(1);
    await tick();
    await w.editErp(erpId, { active: true });
    // Our own archive of the contact, read back from HubSpot's archived list, is an echo: it never archives the partner.
    for (let i = 0; i < 2; i++) expect(await w.run()).toMatchObject({ archived: { crm: 0, erp: 0 }, failed: 0 });
    expect((await w.erp(erpId))?.deleted).toBe(false);
    expect((await w.crm(crmId))?.deleted).toBe(true);
    const conflicts = await w.app.store.conflicts('contacts');
    expect(conflicts.map((c) => [c.kind, c.crm_id, c.crm_value, c.erp_value])).toEqual([
      ['delete', crmId, '"deleted"', '"restored"'],
    ]);
  });
});

describe('a reference to a record that vanished', () => {
  it('a company partner deleted in the ERP does not clear its contacts’ company in the CRM: a conflict each', async () => {
    w = await world({ contacts: 40 });
    await w.runBoth();
    const world_ = w;
    const links = await dbOf(world_.app.store)
      .selectFrom('links')
      .select(['crm_id', 'erp_id'])
      .where('sync', '=', 'contacts')
      .execute();
    const byCompany = new Map<number, string[]>();
    for (const link of links) {
      const parent = (await world_.erp(link.erp_id))?.fields['parent_id'];
      if (Array.isArray(parent) && typeof parent[0] === 'number')
        byCompany.set(parent[0], [...(byCompany.get(parent[0]) ?? []), link.crm_id]);
    }
    // The company with the most linked contacts that Odoo lets us delete: one with sales orders is
    // refused (a foreign-key violation), as in Odoo.
    let picked: [number, string[]] | undefined;
    for (const candidate of [...byCompany.entries()].sort((a, b) => b[1].length - a[1].length)) {
      const deleted = await w.deleteErp(String(candidate[0])).then(
        () => true,
        () => false,
      );
      if (deleted) {
        picked = candidate;
        break;
      }
    }
    if (picked === undefined) throw new Error('no deletable company with linked contacts');
    const contacts = picked[1];
    const before = await Promise.all(contacts.map(async (id) => (await world_.crm(id))?.fields['associatedcompanyid']));
    expect(before.every((v) => typeof v === 'string' && v !== '')).toBe(true);

    await w.runBoth();
    const outcome = await repairDrift(w);
    const after = await Promise.all(contacts.map(async (id) => (await world_.crm(id))?.fields['associatedcompanyid']));
    expect(after).toEqual(before);
    const conflicts = (await w.app.store.conflicts('contacts')).filter((c) => c.field === 'parent_id');
    expect(conflicts.map((c) => c.crm_id).sort()).toEqual([...contacts].sort());
    expect(outcome.repair?.changes.filter((c) => c.fields.some((f) => f.field === 'parent_id'))).toEqual([]);
    // Held back until a person decides: the next scan shows the conflicts, not a repairable mismatch.
    const again = await repairDrift(w);
    expect(again.head.summary.categories.field_mismatch).toBe(0);
  });
});
