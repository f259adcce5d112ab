/**
 * The mapping's document policies at load time (src/mapping/policies.ts): what they compile to, what
 * they add to the reads, and the mistakes refused with the key to fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FieldDescription, SourceRecord } from '../../../connectors/types.js';
import { ConfigError } from '../../../src/errors.js';
import { loadMapping, type LoadOptions } from '../../../src/mapping/load.js';
import { tempDir } from '../../helpers/tmp.js';

const CONTACTS = fs.readFileSync('mappings/hubspot-contacts-to-odoo-partners.yaml', 'utf8').replace('../schemas/', '');

const POLICIES = `
creates: crm
locked:
  erp: { in: { state: [sale, done] } }
onLeave:
  when: { crm: { in: { lifecyclestage: [other] } } }
  action: cancel
  cancel: { erp: { state: cancel } }
crmProperties:
  - { name: tandem_order_state, label: Order state, type: string }
`;

const record = (fields: Record<string, unknown>): SourceRecord => ({
  id: '1',
  modifiedAt: '2026-01-01T00:00:00.000Z',
  deleted: false,
  fields,
});

describe('mapping policies', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());
  const load = (text: string, options?: LoadOptions) => {
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(file, text);
    return loadMapping(file, options);
  };
  const problem = (text: string): ConfigError => {
    try {
      load(text);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('loaded');
  };

  it('defaults to creates both, nothing locked, no onLeave, no properties', () => {
    const { policies, pushdown } = load(CONTACTS);
    expect(policies).toMatchObject({ creates: 'both', onLeave: undefined, crmProperties: [] });
    expect(policies.isLocked(record({ state: 'sale' }))).toBe(false);
    expect(pushdown?.crm).toEqual([{ field: 'email', test: 'present' }]);
  });

  it('compiles the policies, reads their fields, and reads leaving records past the CRM filter', () => {
    const m = load(CONTACTS + POLICIES);
    expect(m.policies.creates).toBe('crm');
    expect(m.policies.isLocked(record({ state: 'sale' }))).toBe(true);
    expect(m.policies.isLocked(record({ state: 'draft' }))).toBe(false);
    expect(m.policies.onLeave?.leaves(record({ lifecyclestage: 'other' }))).toBe(true);
    expect(m.policies.onLeave?.leaves(record({ lifecyclestage: 'lead' }))).toBe(false);
    expect(m.policies.onLeave).toMatchObject({ action: 'cancel', cancel: { state: 'cancel' } });
    expect(m.policies.crmProperties).toEqual([{ name: 'tandem_order_state', label: 'Order state', type: 'string' }]);
    expect(m.crmFields).toContain('lifecyclestage');
    expect(m.erpFields).toContain('state');
    // A contact without an email must still be read when it leaves: no CRM pushdown with onLeave.
    expect(m.pushdown?.crm).toEqual([]);
  });

  it('a CRM path named by crmProperties need not exist yet: it is created before the first write', () => {
    const described = (names: string[]): FieldDescription[] =>
      names.map((name) => ({ name, label: name, type: 'string', readOnly: false }));
    const text = CONTACTS.replace('  - { erp: city, crm: city }', '  - { erp: city, crm: tandem_order_state }');
    const crmFields = described(['email', 'firstname', 'lastname', 'phone', 'jobtitle', 'address', 'zip']);
    const options = {
      crmFields: [...crmFields, ...described(['country', 'company', 'associatedcompanyid', 'tandem_ref'])],
    };
    expect(() => load(text, options)).toThrow(/no field "tandem_order_state"/);
    expect(() =>
      load(text + POLICIES, { ...options, crmFields: [...options.crmFields, ...described(['lifecyclestage'])] }),
    ).not.toThrow();
  });

  it('refuses onLeave cancel without cancel values, and conditions that match everything', () => {
    expect(problem(CONTACTS + POLICIES.replace('  cancel: { erp: { state: cancel } }\n', '')).message).toMatch(
      /onLeave action cancel needs the ERP values .* cancel: \{ erp: \{ state: cancel \} \}/,
    );
    expect(problem(CONTACTS + POLICIES.replace('{ in: { state: [sale, done] } }', '{}')).message).toMatch(
      /locked\.erp matches every record/,
    );
    expect(problem(CONTACTS + POLICIES.replace('action: cancel', 'action: forget')).message).toMatch(/onLeave/);
    expect(problem(CONTACTS + POLICIES.replace('name: tandem_order_state', 'name: Tandem-State')).message).toMatch(
      /lower-case letters/,
    );
  });
});
