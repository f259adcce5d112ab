import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnTandem, tandem, type CliResult } from '../helpers/cli.js';
import { writeStandaloneContactsMapping } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

/** `file:line:column` of the first occurrence of `needle` in `file` (1-based). */
function at(file: string, needle: string): string {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`${needle} not in ${file}`);
  return `${file}:${index + 1}:${(lines[index] ?? '').indexOf(needle) + 1}`;
}

describe('before anything is written: secrets resolve and mapped fields exist', () => {
  let dir: string;
  let cleanup: () => void;
  let mapping: string;
  let config: string;
  const stateFile = (): string => path.join(dir, 'data', 'tandem.sqlite');
  // A daemon that fails to refuse would run forever: killed after 20 s, its exit code is null.
  const run = (...args: string[]): Promise<CliResult> =>
    tandem([...args, '--config', config], {}, { timeoutMs: 20_000 });

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    mapping = writeStandaloneContactsMapping(dir);
    config = path.join(dir, 'config.yaml');
  });
  afterEach(() => cleanup());

  describe('a secret that does not resolve: exit 2 at load, naming the key and the variable or file; no state file', () => {
    // Connectors of their own (not the sandbox, which lends its development credentials).
    const withSecrets = (crm: string, erp: string, server = ''): void => {
      fs.writeFileSync(
        config,
        `dataDir: ./data
connectors:
  crm: { kind: hubspot, baseUrl: "http://127.0.0.1:9", secrets: { token: ${crm} } }
  erp: { kind: odoo, url: "http://127.0.0.1:9", db: x, login: admin, secrets: { password: ${erp} } }
syncs:
  contacts: { mapping: ${JSON.stringify(mapping)}, crm: crm, erp: erp }
${server}`,
      );
    };
    const refused = (result: CliResult): string => {
      expect(result.code, result.stderr).toBe(2);
      expect(fs.existsSync(stateFile())).toBe(false);
      return result.stderr;
    };

    it('an unset environment variable', async () => {
      fs.writeFileSync(path.join(dir, 'pw'), 'odoo-key\n');
      withSecrets('{ env: TANDEM_TEST_UNSET_TOKEN_1 }', '{ file: pw }');
      const stderr = refused(await run('run', 'contacts'));
      expect(stderr).toContain(
        `${at(config, 'token: {')}: connectors.crm.secrets.token: the environment variable TANDEM_TEST_UNSET_TOKEN_1 is not set`,
      );
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });

    it('an empty environment variable, a missing file and an empty file, all at once', async () => {
      fs.writeFileSync(path.join(dir, 'empty'), '  \n');
      withSecrets('{ env: TANDEM_TEST_EMPTY_TOKEN }', '{ file: nowhere/pw }');
      const first = refused(await tandem(['run', 'contacts', '--config', config], { TANDEM_TEST_EMPTY_TOKEN: '' }));
      expect(first).toContain(
        `connectors.crm.secrets.token: the environment variable TANDEM_TEST_EMPTY_TOKEN is empty`,
      );
      expect(first).toContain(
        `${at(config, 'password: {')}: connectors.erp.secrets.password: the secret file ${path.join(dir, 'nowhere/pw')} does not exist`,
      );
      withSecrets('{ file: empty }', '{ file: empty }');
      const second = refused(await run('backfill', 'contacts'));
      expect(second).toContain(`connectors.erp.secrets.password: the secret file ${path.join(dir, 'empty')} is empty`);
      expect(second).toContain(`connectors.crm.secrets.token: the secret file ${path.join(dir, 'empty')} is empty`);
    });

    it('tandem start refuses to start (instead of failing every run) and names the server token file too', async () => {
      withSecrets(
        '{ env: TANDEM_TEST_UNSET_TOKEN_2 }',
        '{ env: TANDEM_TEST_UNSET_TOKEN_2 }',
        'server: { port: 0, tokenSecret: { file: api-token } }\n',
      );
      const stderr = refused(await run('start'));
      expect(stderr).toContain(
        `${at(config, 'tokenSecret')}: server.tokenSecret: the secret file ${path.join(dir, 'api-token')} does not exist`,
      );
      expect(stderr).toContain(
        'connectors.crm.secrets.token: the environment variable TANDEM_TEST_UNSET_TOKEN_2 is not set',
      );
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  });

  describe('a mapped field the connector does not have: exit 2 before any write, at the mapping key, with "did you mean"', () => {
    beforeEach(() => {
      fs.writeFileSync(
        config,
        `dataDir: ./data
log: { level: warn }
sandbox: { enabled: true, contacts: 30, companies: 3 }
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
syncs:
  contacts: { mapping: ${JSON.stringify(mapping)}, crm: crm, erp: erp }
`,
      );
      fs.writeFileSync(
        mapping,
        fs.readFileSync(mapping, 'utf8').replace('{ erp: city, crm: city }', '{ erp: city, crm: cty }'),
      );
    });
    const expectRefusal = (result: CliResult): void => {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `${at(mapping, 'crm: cty')}: fields[5].crm: crm contacts has no field "cty"; did you mean "city"?`,
      );
    };
    const nothingRan = async (): Promise<void> => {
      const status = await run('status', '--json');
      const body = JSON.parse(status.stdout) as { syncs: Record<string, unknown>[] };
      expect(body.syncs).toEqual([
        expect.objectContaining({
          sync: 'contacts',
          checkpoint: null,
          lastRun: null,
          links: 0,
          outbox: { pending: 0, done: 0, dead: 0, oldestPendingAt: null },
          deadLetters: 0,
        }),
      ]);
    };

    it('tandem run (and its dry run)', async () => {
      expectRefusal(await run('run', 'contacts'));
      expectRefusal(await run('run', 'contacts', '--dry-run'));
      await nothingRan();
    });

    it('tandem backfill', async () => {
      expectRefusal(await run('backfill', 'contacts'));
      await nothingRan();
    });

    it('tandem start', async () => {
      expectRefusal(await run('start'));
      await nothingRan();
    });
  });

  describe('a connector that cannot be described', () => {
    beforeEach(() => {
      // The ERP is down (nothing listens on port 9): its fields cannot be listed.
      fs.writeFileSync(
        config,
        `dataDir: ./data
log: { level: info }
sandbox: { enabled: true, contacts: 10, companies: 2 }
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp:
    kind: odoo
    url: "http://127.0.0.1:9"
    db: x
    login: admin
    secrets: { password: { env: TANDEM_TEST_DOWN_PASSWORD } }
    retry: { limit: 0 }
    timeoutMs: 2000
syncs:
  contacts: { mapping: ${JSON.stringify(mapping)}, crm: crm, erp: erp, runOnStart: false }
`,
      );
    });

    it('fails a run (exit 1, as the run itself would), naming the object and the reason', async () => {
      const result = await tandem(['run', 'contacts', '--config', config], { TANDEM_TEST_DOWN_PASSWORD: 'x' });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain('sync contacts: cannot describe res.partner');
    });

    it('lets the daemon start with a warning: a service comes up while a vendor is down', async () => {
      process.env['TANDEM_TEST_DOWN_PASSWORD'] = 'x';
      const daemon = spawnTandem(['start', '--config', config]);
      try {
        const warning = await daemon.waitFor(
          (l) => l['msg'] === 'mapped fields not checked: the connector did not answer',
          15_000,
        );
        expect(String(warning['problem'])).toContain('sync contacts: cannot describe res.partner');
        await daemon.waitFor((l) => l['msg'] === 'tandem started', 15_000);
      } finally {
        delete process.env['TANDEM_TEST_DOWN_PASSWORD'];
        daemon.child.kill('SIGTERM');
        await daemon.exited;
      }
    });
  });
});
