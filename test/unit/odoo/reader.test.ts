import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE, expectAuth, expectExecute, makeConnector, readAll, type ExecuteCall } from './helpers.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const row = (id: number, second: string, active = true) => ({
  id,
  name: `P${id}`,
  write_date: `2024-03-01 10:00:${second}`,
  active,
});
const domainIs = (expected: unknown) => (call: ExecuteCall) =>
  JSON.stringify(call.args[0]) === JSON.stringify(expected);
const iso = (second: string) => `2024-03-01T10:00:${second}.000Z`;

describe('odoo reader', () => {
  it('pages by (write_date, id) and reads a second shared by more records than a page exactly once', async () => {
    // Records: 1 at :00; 2, 3, 4, 5 at :05 (stored microseconds put 3 before 2); 6 at :09, archived.
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      (call) => {
        expect(call.kwargs).toMatchObject({
          order: 'write_date asc, id asc',
          limit: 3,
          context: { active_test: false },
        });
        expect(call.kwargs['fields']).toEqual(['name', 'write_date', 'active']);
        return [row(1, '00'), row(3, '05'), row(2, '05')];
      },
      domainIs([]),
    );
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      (call) => {
        expect(call.kwargs).toMatchObject({ order: 'id asc', limit: 3 });
        return [row(2, '05'), row(3, '05'), row(4, '05')];
      },
      domainIs([
        ['write_date', '>=', '2024-03-01 10:00:05'],
        ['write_date', '<', '2024-03-01 10:00:06'],
      ]),
    );
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [row(5, '05')],
      domainIs([
        ['write_date', '>=', '2024-03-01 10:00:05'],
        ['write_date', '<', '2024-03-01 10:00:06'],
        ['id', '>', 4],
      ]),
    );
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      (call) => {
        expect(call.kwargs['limit']).toBe(2);
        return [row(6, '09', false)];
      },
      domainIs([['write_date', '>=', '2024-03-01 10:00:06']]),
    );

    const pages = await readAll(
      makeConnector().reader.readChanges('res.partner', { cursor: null, fields: ['name'], pageSize: 3 }),
    );
    scope.done();
    expect(pages.map((p) => p.records.map((r) => r.id))).toEqual([['1'], ['2', '3', '4'], ['5', '6']]);
    expect(pages.map((p) => p.cursor)).toEqual([
      { modifiedAt: iso('00'), lastId: '1' },
      { modifiedAt: iso('05'), lastId: '4' },
      { modifiedAt: iso('09'), lastId: '6' },
    ]);
    const last = pages[2]?.records[1];
    expect(last).toMatchObject({
      id: '6',
      deleted: true,
      modifiedAt: iso('09'),
      fields: { name: 'P6', active: false },
    });
    expect(pages[0]?.records[0]).toMatchObject({ deleted: false });
  });

  it('resumes inside a second from the cursor, without re-reading ids at or below lastId', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [row(5, '05')],
      domainIs([
        ['write_date', '>=', '2024-03-01 10:00:05'],
        ['write_date', '<', '2024-03-01 10:00:06'],
        ['id', '>', 4],
      ]),
    );
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [],
      domainIs([['write_date', '>=', '2024-03-01 10:00:06']]),
    );
    const pages = await readAll(
      makeConnector().reader.readChanges('res.partner', {
        cursor: { modifiedAt: iso('05'), lastId: '4' },
        fields: [],
        pageSize: 3,
      }),
    );
    scope.done();
    expect(pages).toEqual([
      { records: [expect.objectContaining({ id: '5' })], cursor: { modifiedAt: iso('05'), lastId: '5' } },
    ]);
  });

  it('re-reads the whole second when the cursor has no lastId, in the scan itself (one request)', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [row(2, '05'), row(3, '05')],
      domainIs([['write_date', '>=', '2024-03-01 10:00:05']]),
    );
    const pages = await readAll(
      makeConnector().reader.readChanges('res.partner', {
        cursor: { modifiedAt: '2024-03-01T10:00:05.420Z', lastId: null },
        fields: [],
        pageSize: 10,
      }),
    );
    scope.done();
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(['2', '3']);
  });

  it("pushes the sync's filter into every query's domain (present: != False; a boolean: =)", async () => {
    const scope = expectAuth(nock(BASE));
    const pushed = [
      ['email', '!=', false],
      ['is_company', '=', false],
    ];
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [row(2, '05'), row(3, '06')],
      domainIs([['write_date', '>=', '2024-03-01 10:00:05'], ...pushed]),
    );
    // A full scan: its last second (:06) is finished apart, filtered too; then the scan goes on.
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [row(3, '06')],
      domainIs([['write_date', '>=', '2024-03-01 10:00:06'], ['write_date', '<', '2024-03-01 10:00:07'], ...pushed]),
    );
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [],
      domainIs([['write_date', '>=', '2024-03-01 10:00:07'], ...pushed]),
    );
    const pages = await readAll(
      makeConnector().reader.readChanges('res.partner', {
        cursor: { modifiedAt: '2024-03-01T10:00:05.000Z', lastId: null },
        fields: [],
        pageSize: 2,
        filter: [
          { field: 'email', test: 'present' },
          { field: 'is_company', test: 'equals', value: false },
        ],
      }),
    );
    scope.done();
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(['2', '3']);
  });

  it('yields nothing when nothing changed', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(scope, 'res.partner', 'search_read', () => [], domainIs([]));
    expect(await readAll(makeConnector().reader.readChanges('res.partner', { cursor: null, fields: [] }))).toEqual([]);
    scope.done();
  });

  it('clamps the page size to 500', async () => {
    const scope = expectAuth(nock(BASE));
    expectExecute(
      scope,
      'res.partner',
      'search_read',
      () => [],
      (call) => call.kwargs['limit'] === 500,
    );
    await readAll(makeConnector().reader.readChanges('res.partner', { cursor: null, fields: [], pageSize: 10_000 }));
    scope.done();
  });
});
