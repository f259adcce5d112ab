/**
 * `crmProperties` end to end, through the HubSpot connector's properties API against the sandbox:
 * a property the CRM lacks is created before the first write to the CRM, so the ERP value mapped
 * into it arrives; the mapping loads although the property does not exist yet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbOf } from '../helpers/store-db.js';
import { world, type World } from './harness.js';

const PROBE = `
crmProperties:
  - { name: tandem_probe, label: Tandem probe, type: string }
`;

describe('crmProperties against the sandbox HubSpot', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({
      contacts: 20,
      mappingEdit: (yaml) =>
        yaml.replace('fields:\n', 'fields:\n  - { erp: comment, crm: tandem_probe, direction: erp->crm }\n') + PROBE,
    });
  });
  afterAll(() => w.close());

  /** Whether the sandbox's contacts have the property (the properties API's list: no single GET modelled). */
  const property = async (): Promise<boolean> => {
    const response = await fetch(`${w.app.sandbox?.crm.url ?? ''}/crm/v3/properties/contacts`, {
      headers: { authorization: 'Bearer sandbox-hubspot-token' },
    });
    const body = (await response.json()) as { results: { name: string }[] };
    return body.results.some((p) => p.name === 'tandem_probe');
  };

  it('creates the property before the first CRM write, and the ERP value reaches it', async () => {
    expect(await property()).toBe(false);
    expect(await w.runBoth()).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    const link = await dbOf(w.app.store)
      .selectFrom('links')
      .select(['crm_id', 'erp_id'])
      .where('sync', '=', 'contacts')
      .orderBy('crm_id')
      .executeTakeFirstOrThrow();
    await w.editErp(link.erp_id, { comment: 'probe one' });
    const stats = await w.run();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, written: { crm: 1 } });
    expect(await property()).toBe(true);
    expect((await w.crm(link.crm_id))?.fields['tandem_probe']).toBe('probe one');
  });
});
