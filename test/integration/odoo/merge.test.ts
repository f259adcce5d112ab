/** The sandbox's partner merge wizard against Odoo's base_partner_merge.py, read through the real connector. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { OdooRpc } from '../../../connectors/odoo/rpc.js';
import type { Connector } from '../../../connectors/types.js';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';

const WIZARD = 'base.partner.merge.automatic.wizard';

describe('base.partner.merge.automatic.wizard', () => {
  let sandbox: Sandbox;
  let rpc: OdooRpc;
  let erp: Connector;
  beforeAll(async () => {
    sandbox = await startSandbox();
    rpc = sandbox.rpc();
    erp = sandbox.connector();
  });
  afterAll(async () => {
    await sandbox.close();
    await removeDir(sandbox.dir);
  });

  const create = (values: Record<string, unknown>) =>
    rpc.execute({ model: 'res.partner', method: 'create', args: [values], schema: z.number() }, { readOnly: false });
  const merge = async (ids: number[], dst?: number) => {
    const wizard = await rpc.execute(
      {
        model: WIZARD,
        method: 'create',
        args: [{ partner_ids: [[6, 0, ids]], ...(dst === undefined ? {} : { dst_partner_id: dst }) }],
        schema: z.number(),
      },
      { readOnly: false },
    );
    return rpc.execute(
      { model: WIZARD, method: 'action_merge', args: [[wizard]], schema: z.unknown() },
      { readOnly: false },
    );
  };
  const read = async (id: number) =>
    (await erp.lookup.findBy('res.partner', 'id', [String(id)], ['name', 'email', 'phone', 'parent_id', 'city']))[0];

  it('deletes the loser, repoints its children, fills empty fields and leaves the chatter trace', async () => {
    const keep = await create({ name: 'Keep Co', is_company: true, city: 'Oslo' });
    const lose = await create({ name: 'Lose Co', is_company: true, phone: '+47 1', email: 'lose@example.com' });
    const child = await create({ name: 'Child', parent_id: lose });
    await merge([keep, lose], keep);
    expect(await read(lose)).toBeUndefined();
    expect((await read(child))?.fields['parent_id']).toEqual([keep, expect.any(String)]);
    expect((await read(keep))?.fields).toMatchObject({ name: 'Keep Co', city: 'Oslo', phone: '+47 1' });
    const merges = erp.merges;
    if (merges === undefined) throw new Error('the Odoo connector supports merges');
    expect(await merges.survivorsOf('res.partner', [String(lose), String(child)])).toEqual(
      new Map([[String(lose), String(keep)]]),
    );
    const survivor = await read(keep);
    if (survivor === undefined) throw new Error('no survivor');
    expect(await merges.mergedInto('res.partner', [survivor])).toEqual(new Map([[String(keep), [String(lose)]]]));
  });

  it('follows a later merge of the survivor, and merges through the connector', async () => {
    const a = await create({ name: 'A', email: 'a@example.com' });
    const b = await create({ name: 'B', email: 'b@example.com' });
    const c = await create({ name: 'C', email: 'c@example.com' });
    await merge([a, b], a);
    const merges = erp.merges;
    if (merges === undefined) throw new Error('the Odoo connector supports merges');
    expect(await merges.merge('res.partner', String(c), String(a))).toBe(String(c));
    expect(await merges.survivorsOf('res.partner', [String(a), String(b)])).toEqual(
      new Map([
        [String(a), String(c)],
        [String(b), String(c)],
      ]),
    );
  });

  it('refuses more than 3 partners, and a parent with its child, as Odoo does', async () => {
    const ids = await Promise.all(['W', 'X', 'Y', 'Z'].map((name) => create({ name })));
    await expect(merge(ids)).rejects.toThrow(/cannot merge more than 3 contacts/);
    const parent = await create({ name: 'Parent', is_company: true });
    const child = await create({ name: 'Kid', parent_id: parent });
    await expect(merge([parent, child])).rejects.toThrow(/cannot merge a contact with one of his parent/);
  });
});
