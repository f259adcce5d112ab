import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangePage, Connector, Cursor, SourceRecord } from '../../../connectors/types.js';
import { recordsSchema } from '../../../connectors/odoo/schemas.js';
import { VendorError } from '../../../src/errors.js';
import { removeDir, startSandbox, WORLD, type Sandbox } from './helpers.js';

let sandbox: Sandbox;
let connector: Connector;

beforeAll(async () => {
  sandbox = await startSandbox();
  connector = sandbox.connector();
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(sandbox.dir);
});

async function readFrom(cursor: Cursor | null, pageSize: number): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of connector.reader.readChanges('res.partner', {
    cursor,
    fields: ['name', 'email', 'ref'],
    pageSize,
  }))
    pages.push(page);
  return pages;
}

const key = (r: SourceRecord): string => `${r.modifiedAt}|${r.id.padStart(10, '0')}`;
const allIds = async (): Promise<number[]> =>
  (
    await sandbox.rpc().execute(
      {
        model: 'res.partner',
        method: 'search_read',
        args: [[]],
        kwargs: { fields: ['id'], context: { active_test: false } },
        schema: recordsSchema,
      },
      { readOnly: true },
    )
  ).map((r) => r.id);

describe('odoo connector against the sandbox: reads', () => {
  it('a full read returns every partner exactly once, archived ones as tombstones, in cursor order', async () => {
    const pages = await readFrom(null, 17);
    const records = pages.flatMap((p) => p.records);
    const ids = records.map((r) => Number(r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual((await allIds()).sort((a, b) => a - b));
    expect(ids.length).toBe(WORLD.erpCompanies.length + WORLD.erpPeople.length);
    const archived = records.filter((r) => r.deleted);
    expect(archived.length).toBe(Math.floor(WORLD.erpPeople.length / 50));
    expect(archived.every((r) => r.fields['active'] === false)).toBe(true);
    const keys = records.map(key);
    expect(keys).toEqual([...keys].sort());
    expect(pages.every((p) => p.records.length <= 17)).toBe(true);
  });

  it('many records on one write_date are read exactly once across small pages', async () => {
    const records = (await readFrom(null, 5)).flatMap((p) => p.records);
    const bySecond = new Map<string, string[]>();
    for (const r of records) bySecond.set(r.modifiedAt, [...(bySecond.get(r.modifiedAt) ?? []), r.id]);
    const crowded = [...bySecond.values()].filter((ids) => ids.length > 5);
    expect(crowded.length).toBeGreaterThanOrEqual(2);
    for (const ids of crowded) expect(new Set(ids).size).toBe(ids.length);
  });

  it('resuming from every page cursor never skips a later record', async () => {
    const pages = await readFrom(null, 23);
    const all = pages.flatMap((p) => p.records);
    for (const page of pages) {
      const cursorKey = `${page.cursor.modifiedAt}|${(page.cursor.lastId ?? '').padStart(10, '0')}`;
      const expected = all.filter((r) => key(r) > cursorKey).map((r) => r.id);
      const resumed = new Set((await readFrom(page.cursor, 23)).flatMap((p) => p.records.map((r) => r.id)));
      expect(expected.filter((id) => !resumed.has(id))).toEqual([]);
    }
  });
});

describe('odoo connector against the sandbox: writes', () => {
  it('create-if-absent twice with the same reference creates once', async () => {
    const op = {
      action: 'upsert' as const,
      key: 'k1',
      targetId: null,
      ref: { field: 'ref', value: 'HS-CIA-1' },
      fields: { name: 'Ada Lovelace', email: 'ada@example.test' },
    };
    const [first] = await connector.writer.writeBatch('res.partner', [op]);
    const [second] = await connector.writer.writeBatch('res.partner', [
      { ...op, key: 'k2', fields: { name: 'Ada King' } },
    ]);
    expect(first).toMatchObject({ ok: true, created: true });
    expect(second).toMatchObject({ ok: true, created: false });
    expect(first?.ok && second?.ok && first.id === second.id).toBe(true);
    const found = await connector.lookup.findBy('res.partner', 'ref', ['HS-CIA-1']);
    expect(found.map((r) => r.fields['display_name'])).toEqual(['Ada King']);
  });

  it("a write with an unknown field fails with Odoo's error and the rest of the batch succeeds", async () => {
    const ops = ['A', 'B', 'C'].map((letter, i) => ({
      action: 'upsert' as const,
      key: `k${letter}`,
      targetId: null,
      ref: { field: 'ref', value: `HS-PF-${letter}` },
      fields: i === 1 ? { name: letter, shoe_size: 44 } : { name: letter },
    }));
    const results = await connector.writer.writeBatch('res.partner', ops);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'builtins.ValueError', retryable: false } });
    expect(results[1]?.ok === false && results[1].error.message).toContain(
      "Invalid field 'shoe_size' on model 'res.partner'",
    );
    expect(
      (await connector.lookup.findBy('res.partner', 'ref', ['HS-PF-A', 'HS-PF-B', 'HS-PF-C']))
        .map((r) => r.fields['ref'])
        .sort(),
    ).toEqual(['HS-PF-A', 'HS-PF-C']);
  });

  it('a missing name is a ValidationError, a deleted target is NOT_FOUND, an archive becomes a tombstone', async () => {
    const [created] = await connector.writer.writeBatch('res.partner', [
      {
        action: 'upsert',
        key: 'n1',
        targetId: null,
        ref: { field: 'ref', value: 'HS-ARC-1' },
        fields: { name: 'To Archive' },
      },
    ]);
    const id = created?.ok === true ? created.id : '';
    const results = await connector.writer.writeBatch('res.partner', [
      {
        action: 'upsert',
        key: 'n2',
        targetId: null,
        ref: { field: 'ref', value: 'HS-NONAME' },
        fields: { email: 'nobody@example.test' },
      },
      {
        action: 'upsert',
        key: 'n3',
        targetId: '999999',
        ref: { field: 'ref', value: 'HS-GONE' },
        fields: { name: 'Ghost' },
      },
      { action: 'archive', key: 'n4', targetId: id },
    ]);
    expect(results[0]).toMatchObject({
      ok: false,
      error: { code: 'odoo.exceptions.ValidationError', retryable: false },
    });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', retryable: false } });
    expect(results[2]).toMatchObject({ ok: true, id });
    const [tombstone] = await connector.lookup.findBy('res.partner', 'ref', ['HS-ARC-1']);
    expect(tombstone).toMatchObject({ id, deleted: true });
    const latest = (await readFrom({ modifiedAt: tombstone?.modifiedAt ?? '', lastId: null }, 50)).flatMap(
      (p) => p.records,
    );
    expect(latest.find((r) => r.id === id)).toMatchObject({ deleted: true });
  });

  it('describes res.partner from fields_get', async () => {
    const described = await connector.schema.describe('res.partner');
    expect(described.fields.find((f) => f.name === 'country_id')).toEqual({
      name: 'country_id',
      label: 'Country',
      type: 'reference',
      readOnly: false,
    });
    expect(described.fields.find((f) => f.name === 'write_date')).toMatchObject({ type: 'datetime', readOnly: true });
  });
});

describe('odoo connector against the sandbox: credentials and restarts', () => {
  it('check() passes with the right key and reports AUTH_FAILED with a wrong one', async () => {
    await expect(connector.check()).resolves.toBeUndefined();
    const error = await sandbox
      .connector('wrong-key')
      .check()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ code: 'AUTH_FAILED', retryable: false });
  });

  it('data survives a restart on the same folder', async () => {
    const [created] = await connector.writer.writeBatch('res.partner', [
      {
        action: 'upsert',
        key: 'r1',
        targetId: null,
        ref: { field: 'ref', value: 'HS-RESTART' },
        fields: { name: 'Persistent' },
      },
    ]);
    const before = await allIds();
    await sandbox.close();
    sandbox = await startSandbox({ dir: sandbox.dir });
    connector = sandbox.connector();
    expect((await allIds()).sort()).toEqual(before.sort());
    const [found] = await connector.lookup.findBy('res.partner', 'ref', ['HS-RESTART']);
    expect(found?.id).toBe(created?.ok === true ? created.id : 'missing');
  });
});
