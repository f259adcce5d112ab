/**
 * The HTML drift report in a real headless Chromium (Debian's, driven by playwright-core; CI
 * installs it with scripts/chromium.sh, and a missing browser fails this test): it opens from a
 * file with no console error and no request, shows the summary's counts, and its table filters by
 * text and category and sorts by column. Vendor values that look like markup stay text.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtml } from '../../src/drift/formats/html.js';
import type { ReportHead } from '../../src/drift/formats/text.js';
import { emptyCounts, type DriftRow } from '../../src/drift/report-schema.js';
import { launchChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/tmp.js';

function row(over: Partial<DriftRow> & Pick<DriftRow, 'category'>): DriftRow {
  return {
    crmId: null,
    erpId: null,
    label: null,
    detail: '',
    action: '',
    repairable: false,
    fields: [],
    urls: {},
    ...over,
  };
}

const rows: DriftRow[] = [
  row({
    category: 'field_mismatch',
    crmId: '101',
    erpId: '7',
    label: 'ann@example.com',
    detail: '2 fields differ',
    action: 'update erp (1), update crm (1)',
    repairable: true,
    fields: [
      { field: 'city', crm: 'Lyon', erp: 'Paris', base: 'Paris', winner: 'crm', action: 'write the crm value to erp' },
      { field: 'zip', crm: '69001', erp: '75001', base: '69001', winner: 'erp', action: 'write the erp value to crm' },
    ],
    urls: { erp: 'https://erp.example.com/web#id=7&model=res.partner&view_type=form' },
  }),
  row({
    category: 'field_mismatch',
    crmId: '102',
    erpId: '8',
    label: 'bob@example.com',
    fields: [
      {
        field: 'function',
        crm: '<img src=x onerror="window.__pwned=1">',
        erp: '<script>window.__pwned=1</script>',
        base: null,
        winner: 'manual',
        action: 'open a conflict for a person',
      },
    ],
  }),
  row({ category: 'missing_counterpart', crmId: '103', label: 'cy@example.com', detail: 'exists in the crm only' }),
  row({ category: 'missing_counterpart', erpId: '9', label: 'dee@example.com', detail: 'exists in the erp only' }),
  row({ category: 'duplicate_key', label: 'dup@example.com', detail: '2 erp records share email' }),
];

const counts = emptyCounts();
for (const r of rows) counts[r.category]++;

const head: ReportHead = {
  version: 1,
  sync: 'contacts',
  generatedAt: '2026-11-29T10:00:00.000Z',
  durationMs: 1234,
  crm: { connector: 'crm', object: 'contacts' },
  erp: { connector: 'erp', object: 'res.partner' },
  summary: {
    records: { crm: 120, erp: 118 },
    linked: 100,
    inAgreement: 98,
    agreement: 0.9423,
    categories: counts,
    repairable: 1,
    previous: {
      id: 4,
      generatedAt: '2026-11-28T10:00:00.000Z',
      agreement: 0.9,
      categories: { ...counts, field_mismatch: 5 },
    },
  },
};

describe('the HTML drift report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let tmp: { dir: string; cleanup: () => void };
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    tmp = tempDir('tandem-report-');
    const file = path.join(tmp.dir, 'report.html');
    writeHtml(file, head, rows, 10_000);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('dialog', (dialog) => problems.push(`dialog: ${dialog.message()}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`file://${file}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    tmp?.cleanup();
  });

  const shown = async () => Number(await page.locator('#shown').textContent());
  const visibleRows = () => page.locator('#rows tbody tr:not([hidden])');

  it('opens offline with no console error, no script from a value, and no request but itself', async () => {
    expect(problems).toEqual([]);
    expect(requests).toHaveLength(1);
    // Runs in the page: `globalThis` is its window.
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(page.locator('#rows tbody').textContent()).resolves.toContain('<script>window.__pwned=1</script>');
  });

  it('shows the summary: agreement, counts per category with the change since the previous report', async () => {
    expect(await page.locator('[data-testid=agreement]').textContent()).toBe('94.2%');
    expect(await page.locator('[data-testid=count-field_mismatch]').textContent()).toBe('2');
    expect(await page.locator('[data-testid=count-missing_counterpart]').textContent()).toBe('2');
    expect(await page.locator('[data-testid=count-conflict]').textContent()).toBe('0');
    expect(await page.locator('[data-testid=counts] tr[data-category=field_mismatch] td').last().textContent()).toBe(
      '-3',
    );
    expect(await page.locator('svg[aria-label="rows per category"] rect').count()).toBe(9);
  });

  it('lists one line per field difference, and filters by text and by category', async () => {
    expect(await shown()).toBe(6);
    expect(await visibleRows().count()).toBe(6);
    await page.fill('#filter', 'bob@');
    expect(await shown()).toBe(1);
    expect(await visibleRows().first().textContent()).toContain('function');
    await page.fill('#filter', '');
    await page.selectOption('#category', 'missing_counterpart');
    expect(await shown()).toBe(2);
    await page.fill('#filter', 'dee');
    expect(await shown()).toBe(1);
    await page.fill('#filter', '');
    await page.selectOption('#category', '');
    expect(await shown()).toBe(6);
    expect(problems).toEqual([]);
  });

  it('sorts by a column, both ways, and links records to their vendor page', async () => {
    const header = page.locator('#rows th', { hasText: 'match key' });
    await header.click();
    const labels = async () => page.locator('#rows tbody tr td:nth-child(5)').allTextContents();
    const ascending = await labels();
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b)));
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    await header.click();
    expect(await labels()).toEqual([...ascending].reverse());
    const link = page.locator('a', { hasText: '7' }).first();
    expect(await link.getAttribute('href')).toBe('https://erp.example.com/web#id=7&model=res.partner&view_type=form');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
  });
});
