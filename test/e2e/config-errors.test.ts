import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tandem, type CliResult } from '../helpers/cli.js';
import { writeStandaloneContactsMapping } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

/** `file:line:column` of the first occurrence of `needle` in `file` (1-based, as the messages give it). */
function at(file: string, needle: string): string {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`${needle} not in ${file}`);
  return `${file}:${index + 1}:${(lines[index] ?? '').indexOf(needle) + 1}`;
}

describe('config errors: exit 2 at load, file:line:column, every problem at once, nothing created', () => {
  let dir: string;
  let cleanup: () => void;
  let mapping: string;
  let config: string;
  const good = (): string => `dataDir: ./data
sandbox: { enabled: true, contacts: 20, companies: 3 }
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
syncs:
  contacts:
    mapping: ${JSON.stringify(mapping)}
    crm: crm
    erp: erp
`;
  const write = (text: string): string => {
    fs.writeFileSync(config, text);
    return config;
  };
  // A daemon that fails to refuse would run forever: killed after 20 s, its exit code is null.
  const run = (...args: string[]): Promise<CliResult> =>
    tandem([...args, '--config', config], {}, { timeoutMs: 20_000 });
  /** The refusal every case shares: exit 2, nothing on stdout, no state file (nor data folder). */
  const refused = (result: CliResult): string => {
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(fs.existsSync(path.join(dir, 'data', 'tandem.sqlite'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
    return result.stderr;
  };

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    mapping = writeStandaloneContactsMapping(dir);
    config = path.join(dir, 'config.yaml');
  });
  afterEach(() => cleanup());

  it('a YAML alias bomb is refused at its first alias, before it expands', async () => {
    write(
      `x: &a [l, l, l, l, l, l, l, l, l]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nz: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nw: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n${good()}`,
    );
    const stderr = refused(await run('run', 'contacts'));
    expect(stderr).toContain(`${at(config, '*a')}: invalid YAML: its aliases expand too many times`);
  });

  it('dataDir pointing at a file is a config error, not a raw EEXIST', async () => {
    fs.writeFileSync(path.join(dir, 'afile'), 'not a folder');
    write(good().replace('dataDir: ./data', 'dataDir: ./afile'));
    const stderr = refused(await run('run', 'contacts'));
    expect(stderr).toContain(
      `${at(config, 'dataDir')}: dataDir: ${path.join(dir, 'afile')} is a file, not a directory`,
    );
    expect(stderr).not.toContain('EEXIST');
  });

  it('a secret written in clear says how to write it instead of "Invalid input"', async () => {
    write(good().replace('sandbox: crm }', 'sandbox: crm, secrets: { token: pat-na1-123 } }'));
    const stderr = refused(await run('run', 'contacts'));
    expect(stderr).toContain(
      `${at(config, 'token: pat')}: connectors.crm.secrets.token: a secret is never written in the config in clear`,
    );
    expect(stderr).toContain('{ env: VARIABLE } or { file: path }');
    expect(stderr).not.toContain('Invalid input');
    expect(stderr).not.toContain('pat-na1-123');
  });

  it('a server: block without tokenSecret names the missing key and its forms', async () => {
    write(`${good()}server: { port: 0 }\n`);
    const stderr = refused(await run('start'));
    expect(stderr).toContain(`${at(config, 'server:')}: server.tokenSecret: is required: write { env: VARIABLE }`);
    expect(stderr).not.toContain('Invalid input');
  });

  it('a bad sync name says what names may be, instead of "Invalid key in record"', async () => {
    write(good().replace('  contacts:\n', '  Contacts:\n'));
    const stderr = refused(await run('run', 'Contacts'));
    expect(stderr).toContain(
      `${at(config, 'Contacts:')}: syncs.Contacts: the name "Contacts" is not allowed: sync names are lowercase letters, digits, - and _`,
    );
    expect(stderr).not.toContain('Invalid key in record');
  });

  it('an unknown sync named on the command line creates no state file, and the nearest name is offered', async () => {
    write(good());
    const stderr = refused(await run('run', 'contcts'));
    expect(stderr).toContain(`${at(config, 'syncs:')}: syncs: no sync named "contcts"; did you mean "contacts"?`);
    refused(await run('backfill', 'contcts'));
    refused(await run('drift', 'contcts'));
  });

  it('crm.object naming an object the connector does not sync is refused at load', async () => {
    fs.writeFileSync(mapping, fs.readFileSync(mapping, 'utf8').replace('object: contacts', 'object: tickets'));
    write(good());
    const stderr = refused(await run('run', 'contacts'));
    expect(stderr).toContain(
      `${at(mapping, 'object: tickets')}: crm.object: the crm connector does not sync "tickets"`,
    );
    expect(stderr).toContain('it syncs contacts, companies, deals');
  });

  it('a misspelt required key is one problem with "did you mean", not "fields: is required"', async () => {
    fs.writeFileSync(mapping, fs.readFileSync(mapping, 'utf8').replace(/^fields:/m, 'feilds:'));
    write(good());
    const stderr = refused(await run('run', 'contacts'));
    expect(stderr).toContain(`${at(mapping, 'feilds:')}: (top level): unknown key "feilds"; did you mean "fields"?`);
    expect(stderr).not.toMatch(/fields: is required/);
  });

  it('reports every problem at once: the schema issues together, then the config and mapping problems together', async () => {
    write(good().replace('    erp: erp\n', '    erp: erp\n    pageSize: lots\n    shedule: "* * * * *"\n'));
    const schema = refused(await run('run', 'contacts'));
    expect(schema).toContain(`${at(config, 'pageSize')}: syncs.contacts.pageSize: expected number, got string "lots"`);
    expect(schema).toContain(
      `${at(config, 'shedule')}: syncs.contacts: unknown key "shedule"; did you mean "schedule"?`,
    );

    fs.writeFileSync(
      mapping,
      fs.readFileSync(mapping, 'utf8').replace('{ erp: city, crm: city }', '{ erp: city, crm: city, drection: both }'),
    );
    fs.writeFileSync(path.join(dir, 'afile'), 'not a folder');
    write(
      good()
        .replace('dataDir: ./data', 'dataDir: ./afile')
        .replace(
          '  erp: { kind: odoo, sandbox: erp }',
          '  erp: { kind: odoo, sandbox: erp }\n  erp2: { kind: odoo, url: "http://127.0.0.1:9", db: x, login: admin, secrets: { password: { env: TANDEM_TEST_UNSET_PASSWORD } } }',
        )
        .replace('    erp: erp\n', '    erp: epr\n'),
    );
    const all = refused(await run('run', 'contacts'));
    const lines = all.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      `tandem: ${at(config, 'dataDir')}: dataDir: ${path.join(dir, 'afile')} is a file, not a directory; point it at a directory (created if missing)`,
    );
    expect(lines[1]).toContain(
      `${at(config, 'password: { env')}: connectors.erp2.secrets.password: the environment variable TANDEM_TEST_UNSET_PASSWORD is not set`,
    );
    expect(lines[2]).toContain(
      `${at(config, 'erp: epr')}: syncs.contacts.erp: no connector named "epr"; did you mean "erp"?`,
    );
    expect(lines[3]).toContain(
      `${at(mapping, 'drection')}: fields[5]: unknown key "drection"; did you mean "direction"?`,
    );
  });
});
