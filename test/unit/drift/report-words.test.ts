import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../../state/index.js';
import { writeHtml } from '../../../src/drift/formats/html.js';
import { writeMarkdown, type ReportHead } from '../../../src/drift/formats/text.js';
import { referenceNames } from '../../../src/drift/reference-names.js';
import { emptyCounts, type DriftRow } from '../../../src/drift/report-schema.js';
import { tempDir } from '../../helpers/tmp.js';

const LONG_ACTION =
  'archive the crm record (a delete conflict instead if it was edited since the last sync), then review the merge';

const rows: DriftRow[] = [
  {
    category: 'field_mismatch',
    crmId: '101',
    erpId: '55',
    label: 'ada@example.com',
    name: 'Ada Lovelace',
    modified: { crm: '2026-11-30T09:00:00.000Z', erp: '2026-11-29T17:45:00.000Z' },
    detail: '2 fields differ: parent_id, phone',
    action: 'update erp (2)',
    repairable: true,
    fields: [
      { field: 'parent_id', crm: '136', erp: '140', base: '136', winner: 'crm', action: 'write to erp' },
      { field: 'phone', crm: '+44 20 7946 0000', erp: null, base: null, winner: 'crm', action: 'write to erp' },
    ],
    urls: { crm: 'https://app.hubspot.com/contacts/1/contact/101', erp: 'https://erp.example/odoo/res.partner/55' },
  },
  {
    category: 'deleted_one_side',
    crmId: '102',
    erpId: '56',
    label: null,
    detail: 'the erp record is archived; the crm record is live',
    action: LONG_ACTION,
    repairable: true,
    fields: [],
    urls: {},
  },
];

const head: ReportHead = {
  version: 1,
  sync: 'contacts',
  generatedAt: '2026-12-01T10:00:00.000Z',
  durationMs: 10,
  crm: { connector: 'crm', object: 'contacts' },
  erp: { connector: 'erp', object: 'res.partner' },
  summary: {
    records: { crm: 2, erp: 2 },
    linked: 2,
    inAgreement: 0,
    agreement: 0,
    categories: { ...emptyCounts(), field_mismatch: 1, deleted_one_side: 1 },
    repairable: 2,
    previous: null,
  },
};

describe('the drift report read by a person', () => {
  let dir: string;
  let cleanup: () => void;
  let store: StateStore;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await StateStore.open(path.join(dir, 'tandem.sqlite'));
    // The companies sync links ERP company 136 to a CRM company; its base holds the name.
    await store.commitPage({
      sync: 'companies',
      side: 'crm',
      cursor: null,
      operations: [],
      deadLetters: [],
      ambiguous: [],
      links: [{ sync: 'companies', crmId: '9001', erpId: '136', base: { name: 'Acme GmbH' } }],
    });
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('shows a reference as the referenced record’s name with its id, names, times, links and (empty)', async () => {
    const references = await referenceNames(
      [
        { name: 'parent_id', reference: 'companies' },
        { name: 'phone', reference: undefined },
      ],
      store,
      rows,
    );
    const file = path.join(dir, 'report.html');
    writeHtml(file, head, rows, 100, references);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('<td class="v">Acme GmbH (136)</td>');
    // 140 is linked to nothing: its id alone.
    expect(html).toContain('<td class="v">140</td>');
    expect(html).toContain('<td data-testid="name">Ada Lovelace</td>');
    expect(html).toContain('modified 2026-11-30T09:00:00.000Z');
    expect(html).toContain('modified 2026-11-29T17:45:00.000Z');
    expect(html).toContain('href="https://app.hubspot.com/contacts/1/contact/101"');
    expect(html).toContain('href="https://erp.example/odoo/res.partner/55"');
    expect(html).toContain('<td class="v"><span class="empty">(empty)</span></td>');
    expect(html).toContain('<td>Values differ</td>');
    expect(html).toContain('<option value="deleted_one_side">Deleted on one side</option>');

    const md = path.join(dir, 'report.md');
    writeMarkdown(md, head, rows, 100, references);
    const text = fs.readFileSync(md, 'utf8');
    expect(text).toContain(`the erp record is archived; the crm record is live: ${LONG_ACTION} |`);
    expect(text).toContain('| Ada Lovelace |');
    expect(text).toContain('| Acme GmbH (136) |');
    expect(text).toContain('| (empty) |');
  });
});
