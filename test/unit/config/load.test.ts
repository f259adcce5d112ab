import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigProblems } from '../../../src/config/problems.js';
import { ConfigError } from '../../../src/errors.js';
import { loadMapping, loadMappings } from '../../../src/mapping/load.js';
import { tempDir } from '../../helpers/tmp.js';

const GOOD = `dataDir: ./data
connectors:
  crm:
    kind: hubspot
    sandbox: crm
  erp:
    kind: odoo
    sandbox: erp
sandbox:
  enabled: true
syncs:
  contacts:
    mapping: mappings/m.yaml
    crm: crm
    erp: erp
    schedule: "*/5 * * * *"
`;

describe('loadConfig', () => {
  let dir: string;
  let cleanup: () => void;
  const write = (text: string): string => {
    const file = path.join(dir, 'tandem.yaml');
    fs.writeFileSync(file, text);
    return file;
  };
  const failure = (text: string): ConfigError => {
    const file = write(text);
    try {
      loadConfig(file);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('loads the example config with defaults and absolute paths', () => {
    const config = loadConfig('config.example.yaml');
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.stateFile).toBe(path.resolve('data/tandem.sqlite'));
    expect(config.syncs['contacts']).toMatchObject({
      crm: 'crm',
      erp: 'erp',
      maxAttempts: 5,
      mappingFile: path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml'),
    });
    expect(config.connectors['crm']?.base.secrets).toEqual({ token: { env: 'TANDEM_HUBSPOT_TOKEN' } });
    // No page size of its own: each connector reads at its best (HubSpot 200 per search page).
    expect(config.syncs['contacts']?.pageSize).toBeUndefined();
  });

  it('the Tryton example does what its comments and the README say: archivedReads on, and `run contacts` as described', () => {
    const config = loadConfig('config.tryton.example.yaml');
    expect(config.connectors['crm']?.settings['archivedReads']).toBe(true);
    const mappings = loadMappings(Object.values(config.syncs).map((s) => ({ sync: s.name, file: s.mappingFile })));
    const runsFirst = mappings['contacts']?.references ?? [];
    const comment = fs
      .readFileSync('config.tryton.example.yaml', 'utf8')
      .split('\n')
      .find((line) => line.includes('tandem run contacts'));
    // The comment may promise companies first only if the mapping references companies (then it is true).
    expect(comment).toBeDefined();
    expect(/companies first/.test(comment ?? '')).toBe(runsFirst.includes('companies'));
    expect(comment).toContain(runsFirst.length === 0 ? '# contacts only' : 'first');
  });

  it('reports every problem at once, in file order, each with its own position', () => {
    const error = failure(
      GOOD.replace('kind: odoo', 'kind: odo').replace('    erp: erp\n    schedule', '    erp: netsuite\n    schedule'),
    );
    expect(error).toBeInstanceOf(ConfigProblems);
    const problems = (error as ConfigProblems).problems;
    expect(problems.map((p) => [p.details['path'], p.details['line']])).toEqual([
      ['connectors.erp.kind', 7],
      ['syncs.contacts.erp', 15],
    ]);
    expect(error.message.split('\n')).toHaveLength(2);
    expect(error.message).toContain('unknown connector kind "odo"; did you mean "odoo"?');
    expect(error.toJSON()['problems']).toHaveLength(2);
  });

  it('resolves relative paths against the config file, not the working directory', () => {
    const config = loadConfig(write(GOOD));
    expect(config.dataDir).toBe(path.join(dir, 'data'));
    expect(config.syncs['contacts']?.mappingFile).toBe(path.join(dir, 'mappings/m.yaml'));
  });

  const cases: { name: string; text: string; message: RegExp; line: number }[] = [
    {
      name: 'a misspelt key',
      text: GOOD.replace('    schedule:', '    shedule:'),
      message: /syncs\.contacts: unknown key "shedule"; did you mean "schedule"\?/,
      line: 16,
    },
    {
      name: 'a wrong type',
      text: GOOD.replace('schedule: "*/5 * * * *"', 'schedule: "*/5 * * * *"\n    pageSize: many'),
      message: /syncs\.contacts\.pageSize: expected number, got string "many"/,
      line: 17,
    },
    {
      name: 'a bad cron expression',
      text: GOOD.replace('*/5 * * * *', 'every five minutes'),
      message: /syncs\.contacts\.schedule: "every five minutes" is not a valid cron expression .*write e\.g\./,
      line: 16,
    },
    {
      name: 'an unknown connector kind',
      text: GOOD.replace('kind: odoo', 'kind: sap'),
      message: /connectors\.erp\.kind: unknown connector kind "sap"; expected one of hubspot, odoo/,
      line: 7,
    },
    {
      name: 'a sync naming a missing connector',
      text: GOOD.replace('    erp: erp\n    schedule', '    erp: netsuite\n    schedule'),
      message: /syncs\.contacts\.erp: no connector named "netsuite"; define it under connectors:/,
      line: 15,
    },
    {
      name: 'a missing required key',
      text: GOOD.replace('    mapping: mappings/m.yaml\n', ''),
      message: /syncs\.contacts\.mapping: is required \(expected string\)/,
      line: 12,
    },
    {
      name: 'a secret in clear',
      text: GOOD.replace('    sandbox: crm\n', '    sandbox: crm\n    secrets:\n      token: pat-na1-123\n'),
      message: /connectors\.crm\.secrets\.token: .*/,
      line: 7,
    },
    {
      name: 'broken YAML',
      text: GOOD.replace('  crm:\n    kind: hubspot', '  crm:\n   kind: hubspot\n  - oops'),
      message: /invalid YAML/,
      line: 5,
    },
    {
      name: 'a connector setting of the wrong type',
      text: GOOD.replace('    kind: hubspot\n', '    kind: hubspot\n    baseUrl: 42\n'),
      message: /connectors\.crm\.baseUrl: /,
      line: 5,
    },
    {
      name: "a misspelt engine key in a connector block (not among its kind's own keys)",
      text: GOOD.replace('    kind: hubspot\n', '    kind: hubspot\n    timeoutMS: 100\n'),
      message: /connectors\.crm: unknown key "timeoutMS"; did you mean "timeoutMs"\?/,
      line: 5,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}, naming file, line and key`, () => {
      const error = failure(c.text);
      expect(error.message).toMatch(c.message);
      expect(error.message.startsWith(`${path.join(dir, 'tandem.yaml')}:`)).toBe(true);
      expect(error.details['line']).toBe(c.line);
    });
  }
});

describe('loadMapping', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('compiles the shipped contact mapping into the fields it reads and writes', () => {
    const mapping = loadMapping('mappings/hubspot-contacts-to-odoo-partners.yaml');
    expect(mapping.crmObject).toBe('contacts');
    expect(mapping.erpObject).toBe('res.partner');
    expect(mapping.crmFields).toEqual([
      'address',
      'associatedcompanyid',
      'city',
      'company',
      'country',
      'email',
      'firstname',
      'jobtitle',
      'lastname',
      'phone',
      'tandem_ref',
      'zip',
    ]);
    const result = mapping.toErp({
      id: '7',
      modifiedAt: '2024-01-01T00:00:00.000Z',
      deleted: false,
      fields: { firstname: ' Ada ', lastname: 'Lovelace', email: 'ada@example.com', phone: '', city: 'London' },
    });
    expect(result).toEqual({
      ok: true,
      fields: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: null,
        function: null,
        street: null,
        city: 'London',
        zip: null,
        company_name: null,
        is_company: false,
        ref: 'HS-7',
      },
    });
    expect(
      mapping.toErp({
        id: '8',
        modifiedAt: '2024-01-01T00:00:00.000Z',
        deleted: false,
        fields: { firstname: 'No', email: '  ' },
      }),
    ).toMatchObject({ ok: false, code: 'FILTERED' });
  });

  it('refuses a field without a source, naming file and line', () => {
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync('mappings/hubspot-contacts-to-odoo-partners.yaml', 'utf8')
        .replace('{ erp: zip, crm: zip }', '{ erp: zip }'),
    );
    expect(() => loadMapping(file)).toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:51:\\d+: fields\\[6\\]: a field needs a CRM source`),
    );
  });
});
