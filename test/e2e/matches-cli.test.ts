/**
 * `tandem matches list|link` as a person runs them (the built CLI, the embedded sandbox): the list
 * names the ambiguous record and its candidates; `link` keeps the link in the state store and
 * parks the record for the next run; a candidate the match did not list is refused with exit 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import { tandem } from '../helpers/cli.js';
import { writeStandaloneContactsMapping } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

describe('tandem matches list|link', () => {
  const { dir, cleanup } = tempDir();
  const config = path.join(dir, 'config.yaml');
  const open = () => openApp(config, { logger: silentLogger(), connect: false });

  beforeAll(async () => {
    const mapping = writeStandaloneContactsMapping(dir);
    fs.writeFileSync(
      config,
      `dataDir: ./data
sandbox: { enabled: true, contacts: 6, companies: 1 }
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
syncs:
  contacts: { mapping: ${JSON.stringify(mapping)}, crm: crm, erp: erp }
`,
    );
    // Nothing has run: every seeded record is unlinked. CRM contact 1 is ambiguous between partners 2 and 3.
    const app = await open();
    await app.store.commitPage({
      sync: 'contacts',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [],
      ambiguous: [
        { sync: 'contacts', side: 'erp', recordId: '1', matchKey: 'email=shared@example.com', candidates: ['2', '3'] },
      ],
    });
    await app.close();
  });
  afterAll(() => cleanup());

  it('lists the record and its candidates with their names', async () => {
    const result = await tandem(['matches', 'list', '--config', config]);
    expect(result.stderr).not.toContain('"level":50');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^contacts crm 1 "[^"]+" \(key email=shared@example.com\)$/m);
    expect(result.stdout).toMatch(/^ {4}candidate erp 2 "[^"]+"$/m);
    expect(result.stdout).toMatch(/^ {4}candidate erp 3 "[^"]+"$/m);
  });

  it('refuses a candidate the match did not list, naming the ones it did', async () => {
    const result = await tandem(['matches', 'link', 'contacts', 'crm:1', '4', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('its candidates are 2, 3');
  });

  it('links the chosen candidate: the store holds the link and the parked record', async () => {
    const result = await tandem(['matches', 'link', 'contacts', 'crm:1', '3', '--config', config]);
    expect(result.stderr).not.toContain('"level":50');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('linked crm 1 with erp 3; the next run of contacts merges them');
    const app = await open();
    try {
      expect((await app.store.links('contacts', ['1'])).get('1')?.erp_id).toBe('3');
      expect((await app.store.parked('contacts', 'crm')).map((w) => w.record.id)).toEqual(['1']);
      expect(await app.store.ambiguousMatches('contacts')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
