/**
 * A person settles an ambiguous first contact (`tandem matches link`, the console): one contact whose
 * email two partners share is ambiguous, nothing is written; linked to the partner a person chose,
 * the next run merges the pair through that link (the partner's empty phone takes the contact's),
 * creates nothing, and the other partner stays unlinked. Without the link the same run writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTandemError } from '../../src/errors.js';
import { linkMatch } from '../../src/pipeline/link-match.js';
import { world, type World } from './harness.js';

describe('linking an ambiguous match by hand (sandbox HubSpot <-> sandbox Odoo)', () => {
  let w: World;
  let contact = '';
  let chosen = '';
  let other = '';

  beforeAll(async () => {
    // No settle window: the pair is not merged merely because the vendor's clock is young.
    w = await world({
      contacts: 10,
      configEdit: (yaml) =>
        yaml
          .replace('    sandbox: crm\n', '    sandbox: crm\n    settleSeconds: 0\n')
          .replace('    sandbox: erp\n', '    sandbox: erp\n    settleSeconds: 0\n'),
    });
    chosen = await w.createErp({ name: 'Ann Twin', email: 'ann@twins.example', phone: false });
    other = await w.createErp({ name: 'Ann T. (old)', email: 'ANN@twins.example', phone: false });
    contact = await w.createCrm({
      email: 'ann@twins.example',
      firstname: 'Ann',
      lastname: 'Twin',
      phone: '+49 30 1234',
    });
    await w.runBoth();
  });
  afterAll(() => w.close());

  it('the contact is ambiguous between both partners and nothing links it', async () => {
    const matches = await w.app.store.ambiguousMatches('contacts');
    // Kept under the side of its candidates.
    const mine = matches.find((m) => m.side === 'erp' && m.recordId === contact);
    expect(mine?.candidates.slice().sort()).toEqual([chosen, other].sort());
    expect(await w.erpIdOf(contact)).toBeUndefined();
    // A run without a person's choice changes nothing for it.
    await w.runBoth();
    expect(await w.erpIdOf(contact)).toBeUndefined();
  });

  it('refuses a record that is not among the candidates, naming them', async () => {
    const error = await linkMatch(w.contacts, w.app.store, { record: `crm:${contact}`, candidate: '999999' }).catch(
      (e: unknown) => e,
    );
    expect(isTandemError(error) && error.code).toBe('NOT_A_CANDIDATE');
    expect(String(error)).toContain(chosen);
  });

  it('links the chosen partner, and the next run merges the pair through the link', async () => {
    const linked = await linkMatch(w.contacts, w.app.store, { record: `crm:${contact}`, candidate: chosen });
    expect(linked).toEqual({ sync: 'contacts', side: 'crm', crmId: contact, erpId: chosen });
    expect(await w.erpIdOf(contact)).toBe(chosen);
    expect((await w.app.store.ambiguousMatches('contacts')).some((m) => m.recordId === contact)).toBe(false);

    const stats = await w.runBoth();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });
    expect((await w.erp(chosen))?.fields['phone']).toBe('+49301234');
    expect(await w.crmIdOf(other)).toBeUndefined();
    expect(await w.app.store.parked('contacts', 'crm')).toEqual([]);
    expect(JSON.parse((await w.app.store.links('contacts', [contact])).get(contact)?.base ?? '{}')).toMatchObject({
      email: 'ann@twins.example',
    });
  });

  it('a second link of the same record is refused: the match is settled', async () => {
    const error = await linkMatch(w.contacts, w.app.store, { record: contact, candidate: other }).catch(
      (e: unknown) => e,
    );
    expect(isTandemError(error) && error.code).toBe('NO_SUCH_MATCH');
  });
});
