/**
 * The order's customer (a fallback reference: the deal's company, else its contact) and money
 * (`decimal`: exact decimal text at a scale, half-up as Odoo rounds, sent to the ERP as numbers).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { loadMappings } from '../../../src/mapping/load.js';
import { staticResolver } from '../../../src/mapping/resolver.js';
import { TRANSFORMS } from '../../../src/mapping/transforms/registry.js';
import type { Value } from '../../../src/mapping/values.js';
import { tempDir } from '../../helpers/tmp.js';
import { DEALS, item, mappingIn, record } from './deal-mapping.js';

const resolver = staticResolver({
  links: { companies: { '7': '70' }, contacts: { '5': '50' } },
  catalogs: { 'erp:res.currency:name': { EUR: '1' } },
});

describe('customer with fallback', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());
  const deal = (associations: Record<string, unknown>) =>
    record({ associations, deal_currency_code: 'EUR', line_items: [] }, '42');

  it('takes the linked company, else the contact; waits for a company not linked yet', () => {
    const m = mappingIn(dir, DEALS);
    expect(m.references).toEqual(['companies', 'contacts']);
    expect(m.fields[0]).toMatchObject({
      name: 'partner_id',
      reference: undefined,
      references: ['companies', 'contacts'],
    });
    expect(m.toErp(deal({ company: '7', contact: '5' }), resolver)).toMatchObject({
      ok: true,
      fields: { partner_id: 70 },
    });
    expect(m.toErp(deal({ company: null, contact: '5' }), resolver)).toMatchObject({
      ok: true,
      fields: { partner_id: 50 },
    });
    expect(m.toErp(deal({ company: '8', contact: '5' }), resolver)).toEqual({
      ok: false,
      code: 'WAITING_REFERENCE',
      reason: 'partner_id waits for sync companies to link record 8',
      field: 'partner_id',
      sync: 'companies',
      id: '8',
    });
    expect(m.toErp(deal({ company: null, contact: '6' }), resolver)).toMatchObject({
      code: 'WAITING_REFERENCE',
      sync: 'contacts',
      id: '6',
    });
    expect(m.toErp(deal({ company: null, contact: null }), resolver)).toMatchObject({
      ok: true,
      fields: { partner_id: null },
    });
    expect(m.referencesOf(deal({ company: null, contact: '5' }), 'crm')).toEqual([
      { sync: 'contacts', side: 'erp', id: '5' },
    ]);
    // The ERP side reads the partner id as the canonical value both sides compare.
    const erp = m.canonical('erp', record({ partner_id: [70, 'Acme'], currency_id: [1, 'EUR'], order_line: [] }));
    expect(erp).toMatchObject({ ok: true, values: { partner_id: '70' } });
  });

  it('refuses a fallback that would flow to the CRM, or whose lists differ, and checks every sync', () => {
    const refusal = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
        throw error;
      }
      throw new Error('expected a refusal');
    };
    const both = DEALS.replace(
      'reference: [companies, contacts]\n    direction: crm->erp',
      'reference: [companies, contacts]',
    );
    expect(refusal(() => mappingIn(dir, both))).toMatch(
      /fields\[0\]\.direction: a fallback reference .* flows CRM -> ERP only.*set direction: crm->erp/,
    );
    const three = DEALS.replace('reference: [companies, contacts]', 'reference: [companies, contacts, owners]');
    expect(refusal(() => mappingIn(dir, three))).toMatch(
      /fields\[0\]\.reference: a fallback reference gives one sync per CRM path \(2 paths, 3 syncs\)/,
    );
    const file = `${dir}/deals.yaml`;
    mappingIn(dir, DEALS);
    expect(
      refusal(() =>
        loadMappings([
          { sync: 'deals', file },
          { sync: 'companies', file },
        ]),
      ),
    ).toMatch(/fields\[0\]\.reference\[1\]: no sync named "contacts" in the config; have: deals, companies/);
  });
});

describe('money', () => {
  const decimal = (options: unknown) => {
    const def = TRANSFORMS.get('decimal');
    if (def === undefined) throw new Error('decimal');
    return def.build(options, { arity: 1, targets: 1 });
  };
  const two = decimal({ scale: 2 });
  const at2 = (v: Value) => two.forward(v, undefined);

  it('gives exact decimal text at the scale, never float arithmetic', () => {
    expect(at2(0.1 + 0.2)).toBe('0.30');
    expect(at2('0.1')).toBe('0.10');
    expect(at2(1.005)).toBe('1.01'); // Math.round(1.005 * 100) / 100 === 1
    expect(at2('2.675')).toBe('2.68'); // (2.675).toFixed(2) === '2.67'
    expect(at2('19.995')).toBe('20.00');
    expect(at2('1234567.125')).toBe('1234567.13');
    expect(at2(' 1_000.5 ')).toBe('1000.50');
    expect(at2('1e2')).toBe('100.00');
    expect(() => at2('12,50')).toThrow(/"12,50" is not a number/);
  });

  it('rounds half-up away from zero, as Odoo float_round does', () => {
    expect(at2('-2.675')).toBe('-2.68');
    expect(at2('-0.004')).toBe('0.00');
    expect(at2('0.125')).toBe('0.13');
    expect(decimal({ scale: 2, rounding: 'halfEven' }).forward('0.125', undefined)).toBe('0.12');
    expect(decimal({ scale: 0 }).forward('2.5', undefined)).toBe('3');
  });

  it('writes the ERP a JSON number that prints as the exact decimal, or the text when asked', () => {
    expect(two.payload?.('19.99')).toBe(19.99);
    expect(two.payload?.('0.30')).toBe(0.3);
    expect(two.payload?.('-2.68')).toBe(-2.68);
    expect(decimal({ scale: 7 }).payload?.('0.0000001')).toBe(1e-7);
    expect(() => two.payload?.('12345678901234567.89')).toThrow(/more digits than a JSON number holds exactly/);
    expect(decimal({ scale: 2, write: 'text' }).payload).toBeUndefined();
  });

  it('maps line money exactly: 3 decimals to 2, and the ERP values read back compare equal', () => {
    const { dir, cleanup } = tempDir();
    try {
      const m = mappingIn(dir, DEALS.replace('object: product.product', 'object: product.product, missing: empty'));
      const lines = [item('1', null, '0.3', '2.675', '12.345')];
      const crm = m.canonical('crm', record({ deal_currency_code: 'EUR', line_items: lines }), resolver);
      expect(crm).toMatchObject({
        ok: false,
        reason: 'order_line: line 1 (id "1"), product_id: is required but empty',
      });
      const products = staticResolver({ catalogs: { 'erp:product.product:default_code': { P: '3' } } });
      const one = [item('1', 'P', '0.3', '2.675', '12.345')];
      const mapped = m.toErp(record({ line_items: one }), products);
      expect(mapped).toMatchObject({
        ok: true,
        fields: { order_line: [{ product_id: 3, product_uom_qty: 0.3, price_unit: 2.68, discount: 12.35 }] },
      });
      const back = m.canonical(
        'erp',
        record({ order_line: [{ id: 1, product_id: 3, product_uom_qty: 0.3, price_unit: 2.68, discount: 12.35 }] }),
      );
      const there = m.canonical('crm', record({ line_items: one }), products);
      if (!back.ok || !there.ok) throw new Error('expected canonical values');
      expect(back.values['order_line']).toEqual([['3', '0.300', '2.68', '12.35']]);
      expect(there.values['order_line']).toEqual(back.values['order_line']);
    } finally {
      cleanup();
    }
  });
});
