/**
 * The verification helper that crash and chaos runs end with must see trouble on **both** sides: a
 * record doubled in the CRM, a linked counterpart that no longer maps, a field one side lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySync } from '../helpers/verify.js';
import { world, type World } from '../scenarios/harness.js';
import { dbOf } from '../helpers/store-db.js';

describe('verifySync checks both sides', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ contacts: 20 });
    await w.runBoth();
    await w.runBoth();
  });
  afterAll(() => w.close());

  const linked = async (sync: string, skip: number): Promise<{ crm: string; erp: string }> => {
    const links = await dbOf(w.app.store)
      .selectFrom('links')
      .select(['crm_id', 'erp_id'])
      .where('sync', '=', sync)
      .orderBy('crm_id')
      .execute();
    const link = links[skip];
    if (link === undefined) throw new Error(`${sync} has no link #${skip}`);
    return { crm: link.crm_id, erp: link.erp_id };
  };

  it('finds nothing wrong once the syncs converged', async () => {
    for (const sync of ['companies', 'contacts']) {
      const check = await verifySync(w.app, sync, { bothWays: true });
      expect(check.expected, sync).toBeGreaterThan(0);
      expect(
        {
          missing: check.missing,
          duplicated: check.duplicated,
          byKey: check.duplicatedByEmail,
          mismatched: check.mismatched,
        },
        sync,
      ).toEqual({ missing: [], duplicated: [], byKey: [], mismatched: [] });
    }
  });

  it('counts a record doubled on the CRM side by its match key', async () => {
    const companies = w.app.syncs['companies'];
    if (companies === undefined) throw new Error('no companies sync');
    const { crm } = await linked('companies', 0);
    const [company] = await companies.crm.lookup.findBy('companies', 'hs_object_id', [crm], ['name']);
    const name = String(company?.fields['name']);
    const [copy] = await companies.crm.writer.writeBatch('companies', [
      {
        action: 'upsert',
        key: 'verify-double',
        targetId: null,
        ref: { field: 'tandem_ref', value: 'VERIFY-DOUBLE' },
        fields: { name: `  ${name.toUpperCase()} ` },
      },
    ]);
    expect(copy?.ok).toBe(true);
    const check = await verifySync(w.app, 'companies', { bothWays: true });
    expect(check.duplicatedByEmail).toEqual([`crm:name=${name.replace(/\s+/g, ' ').trim().toLowerCase()}`]);
  });

  it('reports a linked pair whose ERP side no longer maps, instead of skipping it', async () => {
    const { crm, erp } = await linked('contacts', 1);
    // The partner became a company: outside the contacts sync's ERP filter, while still linked.
    await w.editErp(erp, { is_company: true });
    const check = await verifySync(w.app, 'contacts');
    expect(check.mismatched).toEqual([
      { id: crm, field: '(unmapped)', crm: 'mapped', erp: expect.stringMatching(/^FILTERED/) as unknown },
    ]);
  });
});
