import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { odooConfigSchema } from '../../../connectors/odoo/config.js';
import { LOOKUP_CHUNK, likePattern } from '../../../connectors/odoo/lookup.js';
import { isoToOdoo, nextSecond, odooToIso } from '../../../connectors/odoo/time.js';
import { BASE, expectAuth, expectExecute, makeConnector } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('odoo config and time', () => {
  it('accepts url, db and login, drops a trailing slash, and rejects unknown keys and a password', () => {
    expect(odooConfigSchema.parse({ url: 'https://acme.odoo.com/', db: 'acme', login: 'api@acme.test' })).toEqual({
      url: 'https://acme.odoo.com',
      db: 'acme',
      login: 'api@acme.test',
    });
    expect(
      odooConfigSchema.safeParse({ url: 'https://acme.odoo.com', db: 'acme', login: 'a', password: 'x' }).success,
    ).toBe(false);
    expect(odooConfigSchema.safeParse({ url: 'ftp://acme', db: 'acme', login: 'a' }).success).toBe(false);
    expect(odooConfigSchema.safeParse({ url: 'https://acme.odoo.com', login: 'a' }).success).toBe(false);
  });

  it('converts between Odoo datetimes and ISO 8601 in UTC, flooring to the second', () => {
    expect(odooToIso('2024-02-29 23:59:59')).toBe('2024-02-29T23:59:59.000Z');
    expect(isoToOdoo('2024-02-29T23:59:59.999Z')).toBe('2024-02-29 23:59:59');
    expect(isoToOdoo('2024-03-01T01:00:00+02:00')).toBe('2024-02-29 23:00:00');
    expect(nextSecond('2024-12-31 23:59:59')).toBe('2025-01-01 00:00:00');
    expect(() => odooToIso('2024-02-29T23:59:59')).toThrow(RangeError);
  });
});

describe('odoo describe and lookup', () => {
  it('describes a model from fields_get with coarse types', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'fields_get',
      () => ({
        name: { string: 'Name', type: 'char', readonly: false, required: true },
        country_id: { string: 'Country', type: 'many2one', relation: 'res.country', readonly: false },
        write_date: { string: 'Last Updated on', type: 'datetime', readonly: true },
        image_1920: { string: 'Image', type: 'binary', readonly: false },
        type: {
          string: 'Address Type',
          type: 'selection',
          readonly: false,
          selection: [
            ['contact', 'Contact'],
            ['invoice', 'Invoice Address'],
          ],
        },
        // A selection may have integer values (odoo/fields.py Selection); compared as text.
        priority: {
          string: 'Priority',
          type: 'selection',
          readonly: false,
          selection: [
            [0, 'Low'],
            [1, 'High'],
          ],
        },
      }),
      (call) =>
        JSON.stringify(call.kwargs['attributes']) ===
        JSON.stringify(['string', 'type', 'readonly', 'required', 'relation', 'selection']),
    );
    const described = await makeConnector().schema.describe('res.partner');
    scope.done();
    expect(described).toEqual({
      name: 'res.partner',
      fields: [
        { name: 'country_id', label: 'Country', type: 'reference', readOnly: false },
        { name: 'image_1920', label: 'Image', type: 'other', readOnly: false },
        { name: 'name', label: 'Name', type: 'string', readOnly: false },
        { name: 'priority', label: 'Priority', type: 'enumeration', readOnly: false, options: ['0', '1'] },
        { name: 'type', label: 'Address Type', type: 'enumeration', readOnly: false, options: ['contact', 'invoice'] },
        { name: 'write_date', label: 'Last Updated on', type: 'datetime', readOnly: true },
      ],
    });
  });

  it('finds by a field in chunks, archived records included', async () => {
    const values = Array.from({ length: LOOKUP_CHUNK + 5 }, (_, i) => `a${i}@x.test`);
    const scope = expectAuth(nock(BASE));
    const sizes: number[] = [];
    for (let i = 0; i < 2; i++) {
      expectExecute(
        scope,
        'res.partner',
        'search_read',
        (call) => {
          const [[[, , chunk]]] = call.args as [[[string, string, string[]]]];
          sizes.push(chunk.length);
          return chunk.includes('a3@x.test')
            ? [{ id: 3, email: 'a3@x.test', display_name: 'A3', write_date: '2024-01-01 00:00:00', active: false }]
            : [];
        },
        (call) => (call.kwargs['context'] as { active_test?: boolean }).active_test === false,
      );
    }
    const found = await makeConnector().lookup.findBy('res.partner', 'email', values);
    scope.done();
    expect(sizes).toEqual([LOOKUP_CHUNK, 5]);
    expect(found).toEqual([
      {
        id: '3',
        modifiedAt: '2024-01-01T00:00:00.000Z',
        deleted: true,
        fields: { email: 'a3@x.test', display_name: 'A3', write_date: '2024-01-01 00:00:00', active: false },
      },
    ]);
  });
});

describe('odoo lookup by several fields at once (findByAny)', () => {
  it('ORs the terms into one domain per chunk, and yields a record found by two chunks once', async () => {
    const refs = Array.from({ length: LOOKUP_CHUNK + 5 }, (_, i) => `HS-${i}`);
    const scope = expectAuth(nock(BASE));
    const domains: unknown[] = [];
    const row = {
      id: 7,
      ref: 'HS-3',
      email: 'B@x.test',
      display_name: 'B',
      write_date: '2024-01-01 00:00:00',
      active: true,
    };
    for (let i = 0; i < 2; i++)
      expectExecute(scope, 'res.partner', 'search_read', (call) => {
        domains.push(call.args[0]);
        return [row];
      });
    const lookup = makeConnector().lookup;
    const found = await lookup.findByAny?.(
      'res.partner',
      [
        { field: 'ref', values: refs },
        { field: 'email', values: ['a@x.test', 'b@x.test'], options: { ignoreCase: true } },
      ],
      ['name'],
    );
    scope.done();
    expect(domains).toEqual([
      [
        '|',
        ['ref', 'in', refs.slice(0, LOOKUP_CHUNK)],
        '|',
        ['email', '=ilike', 'a@x.test'],
        ['email', '=ilike', 'b@x.test'],
      ],
      [['ref', 'in', refs.slice(LOOKUP_CHUNK)]],
    ]);
    expect(found?.map((r) => r.id)).toEqual(['7']);
  });
});

describe('odoo match-key patterns', () => {
  it('escapes the wildcards and the backslash of a value, so =ilike compares it as text', () => {
    expect(likePattern(' Under_Score%\\x@Example.COM ', { ignoreCase: true })).toBe(
      'Under\\_Score\\%\\\\x@Example.COM',
    );
  });

  it('with loose white space, each run of white space between words becomes %', () => {
    expect(likePattern('Nordwind \u00a0 Logistik\tGmbH', { ignoreCase: true, looseSpace: true })).toBe(
      'Nordwind%Logistik%GmbH',
    );
  });
});
