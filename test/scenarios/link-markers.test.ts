/**
 * A link's base snapshot holds mapped canonical fields only: what Tandem remembers about deletes (an
 * archive of ours, the tombstones it handled) lives in the link's own fields (state/link-markers.ts),
 * through archive, restore and a tombstone read again (issue #18).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { markersOf, type LinkRow } from '../../state/index.js';
import { tick, world, type World } from './harness.js';
import { dbOf } from '../helpers/store-db.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function linkOf(world: World, crmId: string): Promise<LinkRow> {
  const link = (await world.app.store.links('contacts', [crmId])).get(crmId);
  if (link === undefined) throw new Error(`no link for ${crmId}`);
  return link;
}

function contactLinks(world: World): Promise<{ crm_id: string; erp_id: string }[]> {
  return dbOf(world.app.store)
    .selectFrom('links')
    .select(['crm_id', 'erp_id'])
    .where('sync', '=', 'contacts')
    .orderBy('crm_id')
    .execute();
}

/** Every base key of every link and every outbox row is a mapped field. */
async function expectOnlyMappedKeys(world: World): Promise<void> {
  const mapped = new Set(world.contacts.mapping.fields.map((f) => f.name));
  const links = await dbOf(world.app.store).selectFrom('links').select('base').where('sync', '=', 'contacts').execute();
  const ops = await dbOf(world.app.store).selectFrom('outbox').select('base').where('sync', '=', 'contacts').execute();
  const keys = [...links, ...ops].flatMap((r) => (r.base === null ? [] : Object.keys(JSON.parse(r.base) as object)));
  expect(keys.length).toBeGreaterThan(0);
  expect(keys.filter((k) => !mapped.has(k))).toEqual([]);
}

describe('link markers beside the base snapshot', () => {
  it('archive, tombstone read again, restore: the markers move, the base never holds them', async () => {
    w = await world({
      contacts: 30,
      configEdit: (c) => c.replace('    sandbox: crm\n', '    sandbox: crm\n    archivedReads: true\n'),
    });
    await w.runBoth();
    await w.runBoth();
    const [first] = await contactLinks(w);
    if (first === undefined) throw new Error('no linked pair');
    const { crm_id: crmId, erp_id: erpId } = first;
    await tick();
    await w.archiveCrm(crmId);
    expect((await w.run()).archived.erp).toBe(1);
    const tombstone = (await w.crm(crmId))?.modifiedAt;
    expect(markersOf(await linkOf(w, crmId))).toEqual({ archivedByUs: 'erp', deletesHandled: { crm: tombstone } });
    await expectOnlyMappedKeys(w);

    // The tombstone read again (archivedReads, the lookback): an echo, nothing written.
    expect(await w.runBoth()).toMatchObject({ written: { crm: 0, erp: 0 }, failed: 0 });
    await tick();
    const restored = await fetch(`${w.app.sandbox?.crm.url ?? ''}/__sandbox/objects/contacts/${crmId}/restore`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-hubspot-token' },
    });
    expect(restored.status).toBe(200);
    expect(await w.run()).toMatchObject({ updated: { erp: 1 }, conflicts: 0, failed: 0 });
    expect((await w.erp(erpId))?.deleted).toBe(false);
    // Restored: the archive of ours is undone and forgotten; the handled tombstone stays remembered.
    expect(markersOf(await linkOf(w, crmId))).toEqual({ archivedByUs: null, deletesHandled: { crm: tombstone } });
    await w.runBoth();
    await expectOnlyMappedKeys(w);
  });

  it('deletes: report remembers the handled tombstone in its own field, once', async () => {
    w = await world({ contacts: 30, configEdit: (c) => c.replace(/( {2}contacts:\n)/, '$1    deletes: report\n') });
    await w.runBoth();
    const [first] = await contactLinks(w);
    if (first === undefined) throw new Error('no linked pair');
    await w.archiveErp(first.erp_id);
    expect(await w.run()).toMatchObject({ archived: { crm: 0 }, conflicts: 1 });
    const tombstone = (await w.erp(first.erp_id))?.modifiedAt;
    expect(markersOf(await linkOf(w, first.crm_id))).toEqual({
      archivedByUs: null,
      deletesHandled: { erp: tombstone },
    });
    expect(await w.run()).toMatchObject({ conflicts: 0 });
    await expectOnlyMappedKeys(w);
  });
});
