import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tandem } from '../helpers/cli.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

describe('tandem CLI: usage and config errors exit 2 with a message that says what to fix', () => {
  it('names the file, line and key of a bad value', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = writeTestConfig({ dir });
      fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('pageSize: 100', 'pageSize: lots'));
      const result = await tandem(['run', 'contacts', '--config', config, '--json']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        new RegExp(
          `${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: syncs\\.companies\\.pageSize: expected number, got string "lots"`,
        ),
      );
    } finally {
      cleanup();
    }
  });

  it('refuses a config file that does not exist', async () => {
    const result = await tandem(['status', '--config', path.join('/nonexistent', 'tandem.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/nonexistent/tandem.yaml: cannot read the file (no such file)');
  });

  it('refuses an unknown sync and an unknown command', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = writeTestConfig({ dir });
      const unknownSync = await tandem(['run', 'invoices', '--config', config]);
      expect(unknownSync.code).toBe(2);
      expect(unknownSync.stderr).toContain('no sync named "invoices"');
      const unknownCommand = await tandem(['frobnicate']);
      expect(unknownCommand.code).toBe(2);
    } finally {
      cleanup();
    }
  });

  it('validate checks the mapped fields against the sandbox connectors', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = writeTestConfig({ dir });
      const ok = await tandem(['validate', '--config', config]);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('credentials ok');
      expect(ok.stdout).toContain('res.partner fields ok');

      const mapping = path.join(dir, 'bad-mapping.yaml');
      fs.writeFileSync(
        mapping,
        fs
          .readFileSync('mappings/hubspot-contacts-to-odoo-partners.yaml', 'utf8')
          .replace('{ erp: city, crm: city }', '{ erp: town, crm: city }'),
      );
      fs.writeFileSync(
        config,
        fs
          .readFileSync(config, 'utf8')
          .replace(/mapping: ".*hubspot-contacts-to-odoo-partners.yaml"/, `mapping: ${JSON.stringify(mapping)}`),
      );
      const bad = await tandem(['validate', '--config', config]);
      expect(bad.code).toBe(2);
      // Named where it is written: the mapping file's line and column, and the key.
      expect(bad.stderr).toMatch(
        new RegExp(
          `${mapping.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: fields\\[\\d+\\]\\.erp: erp res\\.partner has no field "town"`,
        ),
      );
    } finally {
      cleanup();
    }
  });
});
