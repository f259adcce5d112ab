/**
 * The CSV drift report opened in a spreadsheet: a cell that starts like a formula (`=`, `+`, `-`,
 * `@`, and the tab and carriage return OWASP's CSV-injection advice adds) gets a `'` prefix, so a
 * vendor's value is never evaluated; other cells stay as they are, quoted per RFC 4180.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeCsv } from '../../../src/drift/formats/text.js';
import type { DriftRow } from '../../../src/drift/report-schema.js';
import { tempDir } from '../../helpers/tmp.js';

const row = (crm: unknown, label: string | null = 'Ada Lovelace'): DriftRow => ({
  category: 'field_mismatch',
  crmId: '101',
  erpId: '7',
  label,
  detail: 'city differs',
  action: 'write the crm value to erp',
  repairable: true,
  fields: [{ field: 'city', crm, erp: 'London', base: null, winner: 'crm', action: 'write the crm value to erp' }],
  urls: {},
});

describe('CSV drift report', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir('tandem-csv-')));
  afterEach(() => tmp.cleanup());

  /** The crm_value cell (column 6) of the one data line written for `value`. */
  const crmCell = (value: unknown): string => {
    const file = path.join(tmp.dir, 'report.csv');
    writeCsv(file, [row(value)]);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    expect(lines).toHaveLength(3);
    const line = lines[1] ?? '';
    const prefix = 'field_mismatch,101,7,Ada Lovelace,city,';
    expect(line.startsWith(prefix)).toBe(true);
    const rest = line.slice(prefix.length);
    if (!rest.startsWith('"')) return rest.slice(0, rest.indexOf(','));
    // A quoted field ends at the first quote that is not doubled.
    let at = 1;
    while (at < rest.length && !(rest[at] === '"' && rest[at + 1] !== '"')) at += rest[at] === '"' ? 2 : 1;
    return rest.slice(0, at + 1);
  };

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+cmd|/C calc!A0', `"'+1+cmd|/C calc!A0"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
  ])('defuses a cell starting like a formula: %j', (value, expected) => {
    expect(crmCell(value)).toBe(expected);
  });

  it('leaves other cells alone, quoting only what RFC 4180 needs', () => {
    expect(crmCell('Paris')).toBe('Paris');
    expect(crmCell('Paris, France')).toBe('"Paris, France"');
    expect(crmCell('a "quoted" word')).toBe('"a ""quoted"" word"');
    expect(crmCell('1+1=2')).toBe('1+1=2');
    expect(crmCell(-5)).toBe(`"'-5"`);
  });

  it('defuses every column, not only the values: a label is a vendor value too', () => {
    const file = path.join(tmp.dir, 'label.csv');
    writeCsv(file, [row('Paris', '=cmd')]);
    expect(fs.readFileSync(file, 'utf8').split('\r\n')[1]).toBe(
      `field_mismatch,101,7,"'=cmd",city,Paris,London,,crm,write the crm value to erp,city differs,,,,,`,
    );
  });
});
