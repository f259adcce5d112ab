/**
 * Property tests (fast-check): every transform declared invertible round-trips its canonical
 * values, and mapping arbitrary JSON never throws: it returns a typed result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../connectors/types.js';
import { loadMapping } from '../../../src/mapping/load.js';
import { staticResolver } from '../../../src/mapping/resolver.js';
import { TRANSFORMS } from '../../../src/mapping/transforms/registry.js';
import type { Step } from '../../../src/mapping/transforms/step.js';
import { templateStep } from '../../../src/mapping/transforms/template.js';
import { StepFailure, sameValue, type Value } from '../../../src/mapping/values.js';

const resolver = staticResolver({
  links: { companies: { '1': '10', '2': '20' } },
  catalogs: { 'erp:res.country:code': { DE: '8', FR: '12' } },
});

const text = fc.string({ unit: 'grapheme', maxLength: 30 });
const digits = fc.stringMatching(/^[+-]?\d{1,12}(\.\d{1,8})?$/);
const numberish = fc.oneof(
  digits,
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
  fc.integer(),
);
const instant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) });
const timeInput = fc.oneof(
  instant,
  instant.map(String),
  instant.map((ms) => new Date(ms).toISOString()),
  instant.map((ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')),
);
const phoneInput = fc.oneof(
  fc.stringMatching(/^(\+|00)[1-9]\d{6,13}$/),
  fc.stringMatching(/^0[1-9]\d{5,10}$/),
  fc.stringMatching(/^\+?[\d ().-]{3,20}$/),
  text,
);
const list = (n: number, item: fc.Arbitrary<string> = text): fc.Arbitrary<Value[]> =>
  fc.array(fc.option(item, { nil: null }), { minLength: n, maxLength: n });
// What a reader yields: text is never blank (blank text is read as null).
const nonEmpty = text.filter((s) => s.trim() !== '');

/** Per transform: option sets and an input generator. Every registered transform must appear. */
const CASES: Record<string, { options: unknown[]; input: fc.Arbitrary<Value>; arity?: number; targets?: number }> = {
  trim: { options: [undefined], input: text },
  lowercase: { options: [undefined], input: text },
  uppercase: { options: [undefined], input: text },
  collapseWhitespace: { options: [undefined], input: text },
  truncate: { options: [1, 5], input: text },
  maxLength: { options: [5], input: text },
  default: { options: ['n/a', 0, false], input: fc.option(text, { nil: null }) },
  prefix: { options: ['HS-'], input: text },
  number: {
    options: [undefined, { scale: 2 }, { scale: 0, rounding: 'halfEven' }, { scale: 3, rounding: 'floor' }],
    input: numberish,
  },
  integer: { options: [undefined], input: numberish },
  decimal: { options: [{ scale: 2 }, { scale: 4, rounding: 'down' }], input: numberish },
  boolean: {
    options: [undefined, { true: ['Y'], false: ['N'] }],
    input: fc.oneof(fc.boolean(), fc.constantFrom('true', 'FALSE', 'yes', 'no', '1', '0', 'Y', 'n', 'maybe')),
  },
  datetime: {
    options: [
      { from: 'hubspot', to: 'odoo' },
      { from: 'epochMs', to: 'iso' },
      { from: 'iso', to: 'local', timezone: 'Europe/Berlin' },
      { from: 'odoo', to: 'epochMs' },
      { from: 'local', to: 'hubspot', timezone: 'America/New_York' },
    ],
    input: timeInput,
  },
  date: {
    options: [
      { from: 'hubspot', to: 'odoo' },
      { from: 'iso', to: 'epochMs' },
      { from: 'hubspot', to: 'iso', timezone: 'Asia/Tokyo' },
      { from: 'odoo', to: 'epochMs', timezone: 'America/Los_Angeles' },
    ],
    input: timeInput,
  },
  phone: { options: [undefined, { region: 'DE' }, { region: 'IT', invalid: 'reject' }], input: phoneInput },
  map: {
    options: [
      { values: { lead: 'Prospect', customer: 'Customer' } },
      { values: { lead: 'Prospect', customer: 'Customer' }, default: 'Other', reverseDefault: 'other' },
      { values: { a: 1, b: true }, ignoreCase: true },
    ],
    input: fc.oneof(fc.constantFrom('lead', 'customer', 'LEAD', 'a', 'B', 'other'), text),
  },
  lookup: {
    options: [{ object: 'res.country', field: 'code', missing: 'empty' }],
    input: fc.constantFrom('DE', 'FR', 'XX'),
  },
  join: { options: [', ', ' '], input: list(3), arity: 3 },
  split: { options: ['\n', ', '], input: text, targets: 2 },
  pick: { options: [0], input: list(2), arity: 2 },
};

/** forward(inverse(c)) === c for every c = forward(x) that maps. */
function roundTrips(step: Step, x: Value): boolean {
  let c: Value;
  try {
    c = x === null && step.nulls !== true ? null : step.forward(x, resolver);
  } catch (error) {
    if (error instanceof StepFailure) return true; // not a value this transform maps
    throw error;
  }
  if (c === null || step.inverse === undefined) return true;
  const back = step.inverse(c, resolver);
  const again = back === null && step.nulls !== true ? null : step.forward(back, resolver);
  return sameValue(again, c);
}

describe('transforms declared invertible round-trip their canonical values', () => {
  it('every registered transform has a property case', () => {
    expect(Object.keys(CASES).sort()).toEqual([...TRANSFORMS.keys()].sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    for (const options of c.options) {
      it(`${name} ${JSON.stringify(options) ?? ''}`, () => {
        const def = TRANSFORMS.get(name);
        if (def === undefined) throw new Error(`no transform ${name}`);
        const step = def.build(options, { arity: c.arity ?? 1, targets: c.targets ?? 1 });
        if (name === 'pick') expect(step.inverse).toBeUndefined();
        else expect(step.inverse).toBeDefined();
        fc.assert(
          fc.property(c.input, (x) => roundTrips(step, x)),
          { numRuns: 300 },
        );
      });
    }
  }

  it('templates with separators round-trip, splitting on the first or the last separator', () => {
    const formats = {
      first: ['{firstname} {lastname}', 'HS-{id}', '{street}, {zip} {city}'],
      last: ['{firstname} {lastname}', 'HS-{id}'],
    };
    for (const split of ['first', 'last'] as const) {
      for (const format of formats[split]) {
        const step = templateStep(format, split);
        const n = (format.match(/\{/g) ?? []).length;
        fc.assert(
          fc.property(list(n, nonEmpty), (x) => roundTrips(step, n === 1 ? (x[0] ?? null) : x)),
          { numRuns: 300 },
        );
      }
    }
  });
});

describe('templates keep white space as typed', () => {
  const step = templateStep('{firstname} {lastname}', 'first');

  it('keeps inner white space of the values, and splits back on the first ordinary space only', () => {
    expect(step.forward(['Maria', 'de  la  Cruz'], undefined)).toBe('Maria de  la  Cruz');
    expect(step.inverse?.('Maria de  la  Cruz', undefined)).toEqual(['Maria', 'de  la  Cruz']);
    expect(step.inverse?.('Jean\u00a0Pierre Dupont', undefined)).toEqual(['Jean\u00a0Pierre', 'Dupont']);
    expect(step.forward(['Jean\u00a0Pierre', 'Dupont'], undefined)).toBe('Jean\u00a0Pierre Dupont');
  });

  it('the mapping path a run takes writes a CRM name as typed', () => {
    const contacts = loadMapping('mappings/hubspot-contacts-to-odoo-partners.yaml');
    const record: SourceRecord = {
      id: '9',
      modifiedAt: '2024-01-01T00:00:00.000Z',
      deleted: false,
      fields: { email: 'maria@x.example', firstname: ' Maria ', lastname: 'de  la  Cruz' },
    };
    const out = contacts.toErp(record);
    expect(out.ok && out.fields['name']).toBe('Maria de  la  Cruz');
  });
});

describe('mapping arbitrary JSON never throws', () => {
  const contacts = loadMapping('mappings/hubspot-contacts-to-odoo-partners.yaml');
  const companies = loadMapping('mappings/hubspot-companies-to-odoo-companies.yaml');
  const CODES = ['FILTERED', 'MAPPING_FAILED', 'WAITING_REFERENCE'];
  const known = [
    'email',
    'firstname',
    'lastname',
    'phone',
    'country',
    'associatedcompanyid',
    'name',
    'is_company',
    'parent_id',
    'country_id',
  ];
  const fields = fc.dictionary(fc.oneof(fc.constantFrom(...known), fc.string()), fc.jsonValue(), { maxKeys: 12 });
  const record = fc.record({ id: fc.string(), fields }).map((r): SourceRecord => ({
    id: r.id,
    modifiedAt: '2024-01-01T00:00:00.000Z',
    deleted: false,
    fields: r.fields as Record<string, unknown>,
  }));

  it('returns a typed result for every record, both ways, with and without a resolver', () => {
    fc.assert(
      fc.property(record, fc.boolean(), (r, withResolver) => {
        const using = withResolver ? resolver : undefined;
        for (const mapping of [contacts, companies]) {
          for (const result of [
            mapping.toErp(r, using),
            mapping.toCrm(r, using),
            mapping.canonical('crm', r, using),
            mapping.canonical('erp', r, using),
          ]) {
            if (!result.ok) expect(CODES).toContain(result.code);
          }
          // toErp is canonical + encode, the steps a run takes: the same payload, reference aside.
          const direct = mapping.toErp(r, using);
          const read = mapping.canonical('crm', r, using);
          const encoded = read.ok ? mapping.encode('erp', read.values, using) : read;
          if (direct.ok && encoded.ok) {
            const { [mapping.reference.field]: _ref, ...fields } = direct.fields;
            expect(fields).toEqual(encoded.fields);
          } else expect(direct.ok ? 'ok' : direct.code).toEqual(encoded.ok ? 'ok' : encoded.code);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
