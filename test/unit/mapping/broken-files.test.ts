/**
 * Broken mapping files, one kind per case: each error names the file, the line and column of the
 * offending key, and says what to write instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FieldDescription } from '../../../connectors/types.js';
import { ConfigError } from '../../../src/errors.js';
import { loadMapping, loadMappings, type LoadOptions } from '../../../src/mapping/load.js';
import { tempDir } from '../../helpers/tmp.js';

const CONTACTS = fs.readFileSync('mappings/hubspot-contacts-to-odoo-partners.yaml', 'utf8');
const COMPANIES = fs.readFileSync('mappings/hubspot-companies-to-odoo-companies.yaml', 'utf8');

const described = (names: string[], readOnly: string[] = []): FieldDescription[] =>
  [...names, ...readOnly].map((name) => ({ name, label: name, type: 'string', readOnly: readOnly.includes(name) }));
const HUBSPOT = described([
  'email',
  'firstname',
  'lastname',
  'phone',
  'jobtitle',
  'address',
  'city',
  'zip',
  'country',
  'company',
  'associatedcompanyid',
  'lifecyclestage',
  'tandem_ref',
]);
const ODOO = described(
  [
    'name',
    'email',
    'phone',
    'function',
    'street',
    'street2',
    'city',
    'zip',
    'country_id',
    'parent_id',
    'company_name',
    'is_company',
    'ref',
  ],
  ['display_name'],
);

interface Case {
  readonly name: string;
  readonly base?: string;
  readonly from: string;
  readonly to: string;
  /** Text on the line the error must point at (first occurrence in the broken file). */
  readonly at: string;
  readonly message: RegExp;
  readonly options?: LoadOptions;
}

const CASES: Case[] = [
  {
    name: 'an unknown transform',
    from: 'transform: [phone]',
    to: 'transform: [phonee]',
    at: 'transform: [phonee]',
    message: /fields\[2\]\.transform\[0\]: unknown transform "phonee"; did you mean "phone"\?/,
  },
  {
    name: 'a misspelt key',
    from: '    required: true\n',
    to: '    requird: true\n',
    at: 'requird: true',
    message: /fields\[0\]: unknown key "requird"; did you mean "required"\?/,
  },
  {
    name: 'a transform option of the wrong type',
    base: COMPANIES,
    from: '{ truncate: 128 }',
    to: '{ truncate: many }',
    at: 'truncate: many',
    message: /fields\[0\]\.transform\[1\]\.truncate: expected number, got string "many" \(e\.g\. \{ truncate: 64 \}\)/,
  },
  {
    name: 'a transform that needs options written bare',
    from: 'transform: [lowercase]',
    to: 'transform: [truncate]',
    at: 'transform: [truncate]',
    message: /fields\[1\]\.transform\[0\]: truncate needs options; write e\.g\. \{ truncate: 64 \}/,
  },
  {
    name: 'a CRM property the connector does not have',
    from: '{ erp: function, crm: jobtitle }',
    to: '{ erp: function, crm: jobtitel }',
    at: 'crm: jobtitel',
    message: /fields\[3\]\.crm: crm contacts has no field "jobtitel"; did you mean "jobtitle"\?/,
    options: { crmFields: HUBSPOT, erpFields: ODOO },
  },
  {
    name: 'an ERP field the connector does not have',
    from: '{ erp: city, crm: city }',
    to: '{ erp: town, crm: city }',
    at: 'erp: town',
    message: /fields\[5\]\.erp: erp res\.partner has no field "town"/,
    options: { crmFields: HUBSPOT, erpFields: ODOO },
  },
  {
    name: 'a write to a read-only ERP field',
    from: '{ erp: city, crm: city }',
    to: '{ erp: display_name, crm: city }',
    at: 'erp: display_name',
    message: /fields\[5\]\.erp: erp res\.partner field "display_name" is read-only.*set direction: erp->crm/,
    options: { crmFields: HUBSPOT, erpFields: ODOO },
  },
  {
    name: 'a two-way field whose transform cannot be undone',
    from: 'transform: [lowercase]',
    to: 'transform: [{ pick: 0 }]',
    at: 'pick: 0',
    message: /fields\[1\]\.transform\[0\]: pick cannot be undone .*set direction: crm->erp on the field/,
  },
  {
    name: 'a two-way template whose placeholders touch',
    from: "template: '{firstname} {lastname}'",
    to: "template: '{firstname}{lastname}'",
    at: "template: '{firstname}{lastname}'",
    message:
      /fields\[0\]\.template: template cannot be undone \(placeholders \{firstname\} and \{lastname\} touch.*put a separator between them/,
  },
  {
    name: 'a value map without a default on a required field',
    from: '  - erp: country_id\n    crm: country\n',
    to: '  - erp: country_id\n    crm: country\n    required: true\n',
    at: '- map:',
    message:
      /fields\[8\]\.transform\[0\]\.map: a value map without a default on a required field .*add default: <value>/,
  },
  {
    name: 'a two-way value map whose default has no way back',
    from: '          ignoreCase: true\n',
    to: '          ignoreCase: true\n          default: XX\n',
    at: '- map:',
    message:
      /fields\[8\]\.transform\[0\]: map cannot be undone \(the default "XX" is no listed value.*add reverseDefault:/,
  },
  {
    name: 'an owner on a one-way field',
    from: '{ erp: company_name, crm: company, direction: crm->erp }',
    to: '{ erp: company_name, crm: company, direction: crm->erp, owner: erp }',
    at: 'owner: erp',
    message: /fields\[7\]\.owner: owner applies to two-way fields only; remove it, or set direction: both/,
  },
  {
    name: 'an unknown direction',
    from: 'direction: crm->erp }',
    to: 'direction: one-way }',
    at: 'direction: one-way',
    message: /fields\[7\]\.direction: expected one of "both", "crm->erp", "erp->crm"/,
  },
  {
    name: 'an unknown time zone',
    from: '{ erp: zip, crm: zip }',
    to: '{ erp: zip, crm: zip, direction: crm->erp, transform: [{ date: { from: hubspot, to: odoo, timezone: Mars/Olympus } }] }',
    at: 'timezone: Mars/Olympus',
    message:
      /fields\[6\]\.transform\[0\]\.date\.timezone: unknown time zone "Mars\/Olympus"; write an IANA name such as Europe\/Berlin/,
  },
  {
    name: 'several ERP paths fed one value',
    from: '{ erp: street, crm: address }',
    to: '{ erp: [street, street2], crm: address }',
    at: 'erp: [street, street2]',
    message: /fields\[4\]\.erp: 2 ERP paths need a list: add \{ split: '<separator>' \}/,
  },
  {
    name: 'two fields writing one ERP field',
    from: '{ erp: zip, crm: zip }',
    to: '{ erp: city, crm: zip }',
    at: 'erp: city, crm: zip',
    message: /fields\[6\]\.erp: fields\[5\] already writes city; map each ERP field once/,
  },
  {
    name: 'a field without a CRM source',
    from: '{ erp: zip, crm: zip }',
    to: '{ erp: zip }',
    at: '{ erp: zip }',
    message: /fields\[6\]: a field needs a CRM source: add crm: <property> or template:/,
  },
  {
    name: 'broken YAML',
    from: 'erp:\n  object: res.partner',
    to: 'erp:\n  object: res.partner\n - oops',
    at: ' - oops',
    message: /invalid YAML/,
  },
];

describe('broken mapping files', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const refusal = (run: () => unknown): ConfigError => {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };
  const lineOf = (text: string, snippet: string): number => {
    const index = text.indexOf(snippet);
    if (index < 0) throw new Error(`"${snippet}" not in the broken file`);
    return text.slice(0, index).split('\n').length;
  };

  it('has at least 12 kinds', () => expect(CASES.length).toBeGreaterThanOrEqual(12));

  for (const c of CASES) {
    it(`refuses ${c.name}, naming file, line and fix`, () => {
      const base = c.base ?? CONTACTS;
      expect(base).toContain(c.from);
      const text = base.replace(c.from, c.to);
      const file = write('m.yaml', text);
      const error = refusal(() => loadMapping(file, c.options));
      expect(error.message).toMatch(c.message);
      expect(error.message.startsWith(`${file}:${lineOf(text, c.at)}:`)).toBe(true);
      expect(error.details).toMatchObject({ file, line: lineOf(text, c.at) });
    });
  }

  it('refuses a reference to a sync the config does not have', () => {
    const file = write('contacts.yaml', CONTACTS);
    const error = refusal(() => loadMappings([{ sync: 'contacts', file }]));
    expect(error.message).toMatch(/fields\[9\]\.reference: no sync named "companies" in the config; have: contacts/);
    expect(error.details['line']).toBe(lineOf(CONTACTS, 'reference: companies'));
  });

  it('refuses a cycle of references between syncs, naming the cycle', () => {
    const contacts = write('contacts.yaml', CONTACTS);
    const companiesText = COMPANIES.replace(
      '  - { erp: city, crm: city }',
      '  - { erp: city, crm: city }\n  - { erp: parent_id, crm: primarycontactid, reference: contacts }',
    );
    const companies = write('companies.yaml', companiesText);
    const error = refusal(() =>
      loadMappings([
        { sync: 'contacts', file: contacts },
        { sync: 'companies', file: companies },
      ]),
    );
    expect(error.message).toMatch(
      /references form a cycle \(contacts -> companies -> contacts\).*remove one reference of the cycle/,
    );
    expect(error.message.startsWith(`${companies}:${lineOf(companiesText, 'reference: contacts')}:`)).toBe(true);
  });

  it('loads the shipped pair, in either order, and checks them against the connectors', () => {
    const loaded = loadMappings([
      {
        sync: 'contacts',
        file: 'mappings/hubspot-contacts-to-odoo-partners.yaml',
        options: { crmFields: HUBSPOT, erpFields: ODOO },
      },
      { sync: 'companies', file: 'mappings/hubspot-companies-to-odoo-companies.yaml' },
    ]);
    expect(Object.keys(loaded)).toEqual(['contacts', 'companies']);
  });
});
