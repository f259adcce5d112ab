/**
 * The drift report files as the README promises them, from a real scan of two in-memory systems:
 * the HTML and Markdown files stop at 10,000 and 500 lines and say how many more the JSON and CSV
 * hold; the files are 0640 in a 0750 directory; each row links to the records through the
 * connectors' `recordUrl`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/types.js';
import { StateStore } from '../../../state/index.js';
import { syncSchema } from '../../../src/config/schema.js';
import { runDrift, type DriftOutcome } from '../../../src/drift/drift.js';
import type { DriftReport } from '../../../src/drift/report-schema.js';
import { silentLogger } from '../../../src/logger.js';
import { loadMapping } from '../../../src/mapping/load.js';
import type { SyncDefinition } from '../../../src/pipeline/context.js';
import { instrumentConnector } from '../../../src/runtime/instrument.js';
import { memoryConnector } from '../../helpers/memory-connector.js';
import { tempDir } from '../../helpers/tmp.js';

/** One more contact than the HTML file shows: both caps are passed. */
const CONTACTS = 10_001;

const linked = (connector: Connector, base: string): Connector => ({
  ...connector,
  recordUrl: (object: string, id: string) => `${base}/${object}/${id}`,
});

describe('drift report files', () => {
  let tmp: { dir: string; cleanup: () => void };
  let store: StateStore;
  let outcome: DriftOutcome;
  let outDir: string;

  beforeAll(async () => {
    tmp = tempDir('tandem-drift-files-');
    store = await StateStore.open(path.join(tmp.dir, 'state.sqlite'));
    const mappingFile = path.resolve('mappings/hubspot-contacts-to-odoo-partners.yaml');
    const crm = memoryConnector('crm', { pageSize: 1000 });
    for (let i = 1; i <= CONTACTS; i++)
      crm.put(String(i), { firstname: 'Lone', lastname: `Contact ${i}`, email: `lone${i}@example.com` });
    const erp = memoryConnector('erp', { pageSize: 1000 });
    const config = {
      ...syncSchema.parse({ mapping: mappingFile, crm: 'crm', erp: 'erp', pageSize: 1000 }),
      name: 'contacts',
      mappingFile,
    };
    const sync: SyncDefinition = {
      name: 'contacts',
      config,
      mapping: loadMapping(mappingFile),
      crm: instrumentConnector(linked(crm, 'https://crm.example.com/record'), silentLogger()),
      erp: instrumentConnector(linked(erp, 'https://erp.example.com/record'), silentLogger()),
    };
    outDir = path.join(tmp.dir, 'reports');
    // The modes the README names are the ones asked for; a umask of 0 shows them unmasked.
    const previousUmask = process.umask(0);
    try {
      outcome = await runDrift(
        { sync, store, logger: silentLogger(), signal: new AbortController().signal },
        { formats: ['html', 'md', 'json', 'csv'], outDir, scratchDir: path.join(tmp.dir, 'scratch') },
      );
    } finally {
      process.umask(previousUmask);
    }
  }, 20_000);

  afterAll(async () => {
    await store?.close();
    tmp?.cleanup();
  });

  const file = (format: 'html' | 'md' | 'json' | 'csv'): string => {
    const name = outcome.files[format];
    if (name === undefined) throw new Error(`no ${format} file`);
    return name;
  };

  it('the JSON and CSV hold every row', () => {
    const report = JSON.parse(fs.readFileSync(file('json'), 'utf8')) as DriftReport;
    expect(report.summary.categories.missing_counterpart).toBe(CONTACTS);
    expect(report.rows).toHaveLength(CONTACTS);
    const csv = fs.readFileSync(file('csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(CONTACTS + 1);
  });

  it('the HTML file shows 10,000 lines and says how many more there are', () => {
    const html = fs.readFileSync(file('html'), 'utf8');
    expect(html.match(/<tr data-category="missing_counterpart"><td>/g)).toHaveLength(10_000);
    expect(html).toContain(
      `<p class="muted" data-testid="truncated">…and ${CONTACTS - 10_000} more lines: see the JSON or CSV report.</p>`,
    );
  });

  it('the Markdown file shows 500 lines and says how many more there are', () => {
    const md = fs.readFileSync(file('md'), 'utf8');
    expect(md.match(/^\| Missing on the other side \| [^|]* \| \[/gm)).toHaveLength(500);
    expect(md).toContain(`…and ${CONTACTS - 500} more lines: see the JSON or CSV report.`);
  });

  it('links every row to its record through the connector', () => {
    const report = JSON.parse(fs.readFileSync(file('json'), 'utf8')) as DriftReport;
    for (const row of report.rows) {
      expect(row.urls).toEqual({ crm: `https://crm.example.com/record/contacts/${row.crmId ?? ''}` });
    }
    const first = report.rows[0];
    const url = first?.urls.crm ?? 'missing';
    expect(fs.readFileSync(file('html'), 'utf8')).toContain(
      `<a href="${url}" target="_blank" rel="noopener noreferrer">${first?.crmId ?? ''}</a>`,
    );
    expect(fs.readFileSync(file('md'), 'utf8')).toContain(`[${first?.crmId ?? ''}](${url})`);
    expect(fs.readFileSync(file('csv'), 'utf8')).toContain(`,${url},,`);
  });

  it('writes the files 0640 in a 0750 directory', () => {
    expect(fs.statSync(outDir).mode & 0o777).toBe(0o750);
    for (const format of ['html', 'md', 'json', 'csv'] as const)
      expect(fs.statSync(file(format)).mode & 0o777, format).toBe(0o640);
  });
});
