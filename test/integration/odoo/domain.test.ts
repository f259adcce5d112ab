import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordsSchema } from '../../../connectors/odoo/schemas.js';
import { removeDir, startSandbox, type Sandbox } from './helpers.js';

type Row = Record<string, unknown> & { id: number };

let sandbox: Sandbox;
let rows: Row[];
let aCompany: number;

async function search(
  domain: unknown[],
  context: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<Row[]> {
  return sandbox.rpc().execute(
    {
      model: 'res.partner',
      method: 'search_read',
      args: [domain],
      kwargs: { fields: ['id'], context, ...extra },
      schema: recordsSchema,
    },
    { readOnly: true },
  );
}

beforeAll(async () => {
  sandbox = await startSandbox();
  rows = await sandbox.rpc().execute(
    {
      model: 'res.partner',
      method: 'search_read',
      args: [[]],
      kwargs: { context: { active_test: false } },
      schema: recordsSchema,
    },
    { readOnly: true },
  );
  aCompany =
    rows.find(
      (r) =>
        r['is_company'] === true &&
        rows.filter((p) => Array.isArray(p['parent_id']) && p['parent_id'][0] === r.id).length > 1,
    )?.id ?? 0;
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(sandbox.dir);
});

const text = (r: Row, f: string): string => (typeof r[f] === 'string' ? (r[f] as string) : '');
const m2o = (r: Row, f: string): [number, string] | null => (Array.isArray(r[f]) ? (r[f] as [number, string]) : null);
const active = (r: Row): boolean => r['active'] === true;

// [description, domain, predicate over every partner (archived included); active_test applies unless the domain names `active`]
const CASES: Array<[string, () => unknown[], (r: Row) => boolean]> = [
  ['=', () => [['city', '=', 'Berlin']], (r) => active(r) && r['city'] === 'Berlin'],
  ['!= keeps empty values', () => [['email', '!=', 'nobody']], (r) => active(r)],
  ['= false is empty', () => [['email', '=', false]], (r) => active(r) && r['email'] === false],
  ['!= false is set', () => [['email', '!=', false]], (r) => active(r) && r['email'] !== false],
  ['boolean =', () => [['is_company', '=', true]], (r) => active(r) && r['is_company'] === true],
  ['in', () => [['city', 'in', ['Paris', 'Lyon']]], (r) => active(r) && ['Paris', 'Lyon'].includes(text(r, 'city'))],
  [
    'not in',
    () => [['city', 'not in', ['Paris', 'Lyon']]],
    (r) => active(r) && !['Paris', 'Lyon'].includes(text(r, 'city')),
  ],
  [
    'like is case-sensitive and contains',
    () => [['name', 'like', 'an']],
    (r) => active(r) && text(r, 'name').includes('an'),
  ],
  [
    'ilike ignores case',
    () => [['name', 'ilike', 'AN']],
    (r) => active(r) && text(r, 'name').toLowerCase().includes('an'),
  ],
  ['not ilike', () => [['name', 'not ilike', 'an']], (r) => active(r) && !text(r, 'name').toLowerCase().includes('an')],
  [
    '=like is a pattern',
    () => [['email', '=like', 'anna.%']],
    (r) => active(r) && text(r, 'email').startsWith('anna.'),
  ],
  [
    '=ilike is a case-insensitive pattern',
    () => [['name', '=ilike', 'ANNA %']],
    (r) => active(r) && text(r, 'name').toLowerCase().startsWith('anna '),
  ],
  [
    '| of two leaves',
    () => ['|', ['city', '=', 'Paris'], ['city', '=', 'Lyon']],
    (r) => active(r) && ['Paris', 'Lyon'].includes(text(r, 'city')),
  ],
  ['! negates', () => ['!', ['is_company', '=', true]], (r) => active(r) && r['is_company'] !== true],
  [
    'implicit &',
    () => [
      ['is_company', '=', false],
      ['city', '=', 'Madrid'],
    ],
    (r) => active(r) && r['is_company'] === false && r['city'] === 'Madrid',
  ],
  [
    'nested prefix',
    () => ['|', '&', ['is_company', '=', true], ['city', '=', 'Berlin'], ['city', '=', 'Vienna']],
    (r) => active(r) && ((r['is_company'] === true && r['city'] === 'Berlin') || r['city'] === 'Vienna'),
  ],
  ['many2one by id', () => [['parent_id', '=', aCompany]], (r) => active(r) && m2o(r, 'parent_id')?.[0] === aCompany],
  ['many2one set', () => [['parent_id', '!=', false]], (r) => active(r) && m2o(r, 'parent_id') !== null],
  [
    'many2one by name',
    () => [['country_id', '=', 'Germany']],
    (r) => active(r) && m2o(r, 'country_id')?.[1] === 'Germany',
  ],
  [
    'dotted path',
    () => [['country_id.code', 'in', ['FR', 'BE']]],
    (r) => active(r) && ['France', 'Belgium'].includes(m2o(r, 'country_id')?.[1] ?? ''),
  ],
  [
    'integer range',
    () => [
      ['id', '>', 100],
      ['id', '<=', 120],
    ],
    (r) => active(r) && r.id > 100 && r.id <= 120,
  ],
  [
    'datetime >=',
    () => [['write_date', '>=', '2024-01-01 12:00:00']],
    (r) => active(r) && text(r, 'write_date') >= '2024-01-01 12:00:00',
  ],
  ['naming active turns active_test off', () => [['active', '=', false]], (r) => !active(r)],
];

describe('odoo sandbox domains', () => {
  it.each(CASES)('%s', async (_name, domain, predicate) => {
    const expected = rows
      .filter(predicate)
      .map((r) => r.id)
      .sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(rows.length);
    const actual = (await search(domain())).map((r) => r.id).sort((a, b) => a - b);
    expect(actual).toEqual(expected);
  });

  it('applies active_test by default and not when the context turns it off', async () => {
    expect((await search([])).length).toBe(rows.filter(active).length);
    expect((await search([], { active_test: false })).length).toBe(rows.length);
  });

  it('orders, limits and offsets', async () => {
    const page = await search([], { active_test: false }, { order: 'write_date desc, id desc', limit: 5, offset: 2 });
    const expected = [...rows].sort((a, b) =>
      a['write_date'] === b['write_date'] ? b.id - a.id : text(b, 'write_date') < text(a, 'write_date') ? -1 : 1,
    );
    expect(page.map((r) => r.id)).toEqual(expected.slice(2, 7).map((r) => r.id));
  });

  it.each([
    ['an unknown field', [['shoe_size', '=', 1]], {}, 'builtins.ValueError'],
    ['an unknown operator', [['name', 'sounds like', 'x']], {}, 'builtins.ValueError'],
    ['a malformed prefix domain', ['|', ['name', '=', 'x']], {}, 'builtins.ValueError'],
    ['an order on an unknown field', [], { order: 'shoe_size asc' }, 'builtins.ValueError'],
  ])('rejects %s with the error Odoo raises', async (_name, domain, extra, code) => {
    await expect(search(domain, {}, extra)).rejects.toMatchObject({ code, retryable: false });
  });

  it('serves res.country read-only, and rejects unknown models and methods', async () => {
    const rpc = sandbox.rpc();
    const countries = await rpc.execute(
      {
        model: 'res.country',
        method: 'search_read',
        args: [[['code', '=', 'DE']]],
        kwargs: { fields: ['name', 'code'] },
        schema: recordsSchema,
      },
      { readOnly: true },
    );
    expect(countries).toEqual([{ id: expect.any(Number), name: 'Germany', code: 'DE' }]);
    await expect(
      rpc.execute(
        { model: 'res.country', method: 'create', args: [{ name: 'Atlantis', code: 'AX' }], schema: recordsSchema },
        { readOnly: false },
      ),
    ).rejects.toMatchObject({ code: 'odoo.exceptions.AccessError' });
    await expect(
      rpc.execute(
        { model: 'res.unicorn', method: 'search_read', args: [[]], schema: recordsSchema },
        { readOnly: true },
      ),
    ).rejects.toMatchObject({ code: 'odoo.exceptions.UserError' });
    await expect(
      rpc.execute({ model: 'res.partner', method: 'fly', args: [], schema: recordsSchema }, { readOnly: true }),
    ).rejects.toMatchObject({ code: 'builtins.AttributeError' });
  });
});

describe('odoo sandbox like patterns, as Odoo builds them', () => {
  const create = (values: Record<string, unknown>): Promise<unknown> =>
    sandbox
      .rpc()
      .execute({ model: 'res.partner', method: 'create', args: [values], schema: z.number() }, { readOnly: false });
  const ids = async (domain: unknown[]): Promise<number[]> =>
    (await search(domain)).map((r) => r.id).sort((a, b) => a - b);
  let under: number;
  let other: number;
  beforeAll(async () => {
    under = Number(await create({ name: 'Under Score', email: 'Under_Score@Example.COM' }));
    other = Number(await create({ name: 'Under Xcore', email: 'underXscore@example.com' }));
  });

  it('=ilike takes the value as the pattern: case-insensitive, `_` a wildcard unless escaped with a backslash', async () => {
    expect(await ids([['email', '=ilike', 'under_score@example.com']])).toEqual([under, other]);
    expect(await ids([['email', '=ilike', 'under\\_score@example.com']])).toEqual([under]);
    expect(await ids([['email', '=like', 'under\\_score@example.com']])).toEqual([]);
    expect(await ids([['email', '=ilike', 'UNDER\\_SCORE@%']])).toEqual([under]);
  });

  it('an escaped % is a literal percent sign', async () => {
    const percent = Number(await create({ name: '100% Cotton', email: 'cotton@example.com' }));
    expect(await ids([['name', '=ilike', '100\\% cotton']])).toEqual([percent]);
    expect(await ids([['name', '=ilike', '100\\%']])).toEqual([]);
  });

  it('ilike with an empty value matches every row, NULL ones too, as Odoo adds OR IS NULL', async () => {
    expect((await search([['email', 'ilike', '']])).length).toBe(rows.filter(active).length + 3);
  });
});
