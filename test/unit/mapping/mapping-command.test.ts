/** `tandem mapping test`: one record through a mapping file, printed as JSON. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mappingTestCommand } from '../../../src/cli/commands/mapping.js';
import type { Output } from '../../../src/cli/output.js';
import { tempDir } from '../../helpers/tmp.js';

const CONTACTS = 'mappings/hubspot-contacts-to-odoo-partners.yaml';

function capture(): Output & { readonly printed: unknown[] } {
  const printed: unknown[] = [];
  return { printed, json: (v) => printed.push(v), line: (t) => printed.push(t), error: (t) => printed.push(t) };
}

describe('tandem mapping test', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());
  const write = (name: string, value: unknown): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it('maps a HubSpot object (id + properties) to the Odoo payload', async () => {
    const input = write('in.json', {
      id: '7',
      properties: {
        firstname: 'Ada',
        lastname: 'Lovelace',
        email: 'ADA@example.com',
        phone: '+44 20 7946 0018',
        country: 'Ireland',
        associatedcompanyid: '1001',
      },
    });
    const links = write('links.json', {
      links: { companies: { '1001': '40' } },
      catalogs: { 'erp:res.country:code': { IE: '16' } },
    });
    const out = capture();
    expect(await mappingTestCommand(CONTACTS, { input, links }, out)).toBe(0);
    expect(out.printed[0]).toMatchObject({
      ok: true,
      object: 'res.partner',
      fields: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+442079460018',
        country_id: 16,
        parent_id: 40,
        ref: 'HS-7',
      },
    });
  });

  it('maps an Odoo row back to HubSpot properties', async () => {
    const input = write('in.json', {
      id: 9,
      name: 'Grace Hopper',
      email: false,
      phone: '+1 202 555 0100',
      is_company: false,
    });
    const out = capture();
    expect(await mappingTestCommand(CONTACTS, { input, direction: 'erp-to-crm' }, out)).toBe(0);
    expect(out.printed[0]).toMatchObject({
      ok: true,
      object: 'contacts',
      fields: { firstname: 'Grace', lastname: 'Hopper', email: null, phone: '+12025550100' },
    });
  });

  it('prints why a record does not map, and exits 1 when it waits or fails', async () => {
    const input = write('in.json', { email: 'a@b.example', firstname: 'A', associatedcompanyid: '5' });
    const out = capture();
    expect(await mappingTestCommand(CONTACTS, { input, links: write('l.json', {}) }, out)).toBe(1);
    expect(out.printed[0]).toMatchObject({ ok: false, code: 'WAITING_REFERENCE', sync: 'companies', id: '5' });
  });

  it('refuses a bad direction and a missing input file with a usage error', async () => {
    await expect(mappingTestCommand(CONTACTS, { input: 'x.json', direction: 'sideways' }, capture())).rejects.toThrow(
      /write crm-to-erp or erp-to-crm/,
    );
    await expect(mappingTestCommand(CONTACTS, { input: path.join(dir, 'none.json') }, capture())).rejects.toMatchObject(
      { code: 'USAGE' },
    );
  });
});
