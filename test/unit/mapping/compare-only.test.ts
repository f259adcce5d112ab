/**
 * A compared-only field (`direction: none`): read and canonicalized on both sides like any field,
 * never in a payload, left out of the merge (no write, no conflict, no base), and allowed on a
 * read-only field with transforms that cannot be undone; keys that only mean something for a
 * written field are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FieldDescription, SourceRecord } from '../../../connectors/types.js';
import { ConfigError } from '../../../src/errors.js';
import { loadMapping, type LoadOptions } from '../../../src/mapping/load.js';
import { merge } from '../../../src/pipeline/merge.js';
import { tempDir } from '../../helpers/tmp.js';

const MAPPING = `crm: { object: deals }
erp: { object: sale.order }
reference: { erp: client_order_ref, template: 'HS-DEAL-{id}' }
defaults: { direction: both }
fields:
  - { erp: note, crm: description }
  - { erp: amount_total, crm: amount, transform: [{ decimal: { scale: 2 } }], direction: none }
`;

const record = (fields: Record<string, unknown>): SourceRecord => ({
  id: '7',
  modifiedAt: '2026-01-01T00:00:00.000Z',
  deleted: false,
  fields,
});

const described = (names: string[], readOnly: string[] = []): FieldDescription[] =>
  names.map((name) => ({ name, label: name, type: 'string', readOnly: readOnly.includes(name) }));

describe('a compared-only field (direction: none)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());
  const load = (text: string, options?: LoadOptions) => {
    const file = path.join(dir, 'm.yaml');
    fs.writeFileSync(file, text);
    return loadMapping(file, options);
  };
  const problem = (text: string): string => {
    try {
      load(text);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('loaded');
  };

  it('is read and canonicalized on both sides, and written to neither', () => {
    const m = load(MAPPING);
    expect(m.crmFields).toContain('amount');
    expect(m.erpFields).toContain('amount_total');
    const crm = m.canonical('crm', record({ description: 'x', amount: '1200' }));
    const erp = m.canonical('erp', record({ note: 'x', amount_total: 1150.5, client_order_ref: 'HS-DEAL-7' }));
    expect(crm).toEqual({ ok: true, values: { note: 'x', amount_total: '1200.00' } });
    expect(erp).toEqual({ ok: true, values: { note: 'x', amount_total: '1150.50' } });
    expect(m.toErp(record({ description: 'x', amount: '1200' }))).toEqual({
      ok: true,
      fields: { note: 'x', client_order_ref: 'HS-DEAL-7' },
    });
    expect(m.toCrm(record({ note: 'x', amount_total: 1150.5 }))).toEqual({ ok: true, fields: { description: 'x' } });
    expect(m.encode('erp', { note: 'y', amount_total: '1.00' })).toEqual({ ok: true, fields: { note: 'y' } });
  });

  it('takes no part in the merge: no write, no conflict, never settled into the base', () => {
    const { fields } = load(MAPPING);
    const times = { crmModifiedAt: '2026-01-02T00:00:00Z', erpModifiedAt: '2026-01-01T00:00:00Z' };
    for (const base of [null, { note: 'x', amount_total: '1.00' }])
      expect(
        merge({
          fields,
          crm: { note: 'x', amount_total: '1200.00' },
          erp: { note: 'x', amount_total: '1150.50' },
          base,
          ...times,
        }),
      ).toEqual({ toCrm: {}, toErp: {}, settled: base === null ? { note: 'x' } : {}, conflicts: [] });
    const equal = merge({ fields, crm: { amount_total: '1.00' }, erp: { amount_total: '1.00' }, base: null, ...times });
    expect(equal.settled).toEqual({});
  });

  it('may compare a read-only field, and steps that cannot be undone', () => {
    const options = {
      crmFields: described(['description', 'amount']),
      erpFields: described(['note', 'amount_total', 'client_order_ref'], ['amount_total']),
    };
    expect(() => load(MAPPING, options)).not.toThrow();
    // The same field flowing to the ERP would write a read-only field: refused.
    expect(() => load(MAPPING.replace('direction: none', 'direction: crm->erp'), options)).toThrow(/read-only/);
    const pick = MAPPING.replace(
      'transform: [{ decimal: { scale: 2 } }], direction: none',
      'transform: [{ pick: 0 }], direction: none',
    );
    expect(() => load(pick)).not.toThrow();
    expect(problem(pick.replace('direction: none', 'direction: both'))).toMatch(/pick cannot be undone/);
  });

  it.each([
    ['owner: crm', /owner applies to two-way fields only/],
    ['required: true', /required does not apply to a compared-only field \(direction: none\)/],
    ['tie: erp', /tie does not apply to a compared-only field/],
    ['reference: companies', /reference does not apply to a compared-only field/],
  ])('refuses %s on it, naming the key', (extra, message) => {
    expect(problem(MAPPING.replace('direction: none }', `direction: none, ${extra} }`))).toMatch(message);
  });

  it('is not a default direction: a mapping where nothing flows is refused', () => {
    expect(problem(MAPPING.replace('defaults: { direction: both }', 'defaults: { direction: none }'))).toMatch(
      /defaults\.direction/,
    );
  });
});
