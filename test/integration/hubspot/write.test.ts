import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, WriteOperation } from '../../../connectors/types.js';
import type { RunningServer } from '../../../sandbox/types.js';
import { WORLD, api, connectorFor, startSandbox, tempDir } from './harness.js';

const upsert = (key: string, ref: string, fields: Record<string, unknown>, field = 'tandem_ref'): WriteOperation => ({
  action: 'upsert',
  key,
  targetId: null,
  ref: { field, value: ref },
  fields,
});

describe('HubSpot connector writes and lookups against the sandbox', () => {
  let dir: string;
  let server: RunningServer;
  let crm: Connector;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startSandbox(dir);
    crm = connectorFor(server.url);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('upserting the same reference twice creates one record, then updates it', async () => {
    const [first] = await crm.writer.writeBatch('contacts', [
      upsert('k1', 'ERP-1', { firstname: 'Ada', email: 'ada@erp.example' }),
    ]);
    const [second] = await crm.writer.writeBatch('contacts', [upsert('k2', 'ERP-1', { firstname: 'Ada B.' })]);
    expect(first).toMatchObject({ key: 'k1', ok: true, created: true });
    expect(second).toMatchObject({ key: 'k2', ok: true, created: false });
    if (!first?.ok || !second?.ok) throw new Error('upsert failed');
    expect(second.id).toBe(first.id);
    const found = await crm.lookup.findBy('contacts', 'tandem_ref', ['ERP-1']);
    expect(found).toHaveLength(1);
    expect(found[0]?.fields).toMatchObject({ firstname: 'Ada B.', email: 'ada@erp.example', tandem_ref: 'ERP-1' });
  });

  it('maps a 207 per-input failure to its operation and lets the rest of the batch through', async () => {
    const ops = [
      upsert('good-1', 'ERP-2', { firstname: 'Bo' }),
      upsert('bad', 'ERP-3', { email: 'not-an-email' }),
      upsert('good-2', 'ERP-4', { lifecyclestage: 'lead' }),
    ];
    const results = await crm.writer.writeBatch('contacts', ops);
    expect(results.map((r) => [r.key, r.ok])).toEqual([
      ['good-1', true],
      ['bad', false],
      ['good-2', true],
    ]);
    const bad = results[1];
    if (bad === undefined || bad.ok) throw new Error('expected a failure');
    expect(bad.error).toMatchObject({ code: 'VALIDATION_ERROR', retryable: false, vendor: { status: 207 } });
    expect(bad.error.message).toContain('INVALID_EMAIL');
  });

  it('isolates an input that fails the whole batch with 400 and writes the others', async () => {
    const results = await crm.writer.writeBatch('contacts', [
      upsert('ok', 'ERP-5', { firstname: 'Cy' }),
      upsert('unknown', 'ERP-6', { shoe_size: '44' }),
    ]);
    expect(results[0]).toMatchObject({ key: 'ok', ok: true, created: true });
    expect(results[1]).toMatchObject({
      key: 'unknown',
      ok: false,
      error: { code: 'VALIDATION_ERROR', retryable: false, vendor: { status: 400 } },
    });
  });

  it('updates by id, archives, and finds archived records by reference', async () => {
    const [created] = await crm.writer.writeBatch('companies', [
      upsert('c1', 'ERP-C1', { name: 'Quartz Labs', domain: 'quartz.example' }),
    ]);
    if (!created?.ok) throw new Error('create failed');
    const [updated] = await crm.writer.writeBatch('companies', [
      {
        action: 'upsert',
        key: 'c2',
        targetId: created.id,
        ref: { field: 'tandem_ref', value: 'ERP-C1' },
        fields: { city: 'Vienna' },
      },
    ]);
    expect(updated).toMatchObject({ ok: true, id: created.id, created: false });
    const [missing] = await crm.writer.writeBatch('companies', [
      {
        action: 'upsert',
        key: 'c3',
        targetId: '999999',
        ref: { field: 'tandem_ref', value: 'ERP-C9' },
        fields: { city: 'Oslo' },
      },
    ]);
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', retryable: false } });
    const [archived] = await crm.writer.writeBatch('companies', [
      { action: 'archive', key: 'c4', targetId: created.id },
    ]);
    expect(archived).toMatchObject({ ok: true, id: created.id });
    const found = await crm.lookup.findBy('companies', 'tandem_ref', ['ERP-C1']);
    expect(found).toEqual([expect.objectContaining({ id: created.id, deleted: true })]);
  });

  it('looks up by a unique property (email) and by a plain one (city, through search with IN)', async () => {
    const emails = WORLD.contacts.slice(0, 120).flatMap((c) => (c.email === null ? [] : [c.email]));
    const byEmail = await crm.lookup.findBy('contacts', 'email', [...emails, 'nobody@nowhere.example']);
    expect(byEmail).toHaveLength(emails.length);
    const byCity = await crm.lookup.findBy('contacts', 'city', ['Lisbon', 'Dublin']);
    expect(byCity.length).toBe(WORLD.contacts.filter((c) => c.city === 'Lisbon' || c.city === 'Dublin').length);
    expect(byCity.every((r) => r.fields['city'] === 'Lisbon' || r.fields['city'] === 'Dublin')).toBe(true);
  });

  it('refuses an upsert by a property that is not unique, without calling batch/upsert', async () => {
    const [result] = await crm.writer.writeBatch('contacts', [upsert('n', 'Berlin', { firstname: 'X' }, 'city')]);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', retryable: false } });
  });

  it('describes properties with types, read-only flags and the unique reference property', async () => {
    const description = await crm.schema.describe('contacts');
    const byName = new Map(description.fields.map((f) => [f.name, f]));
    expect(byName.get('lastmodifieddate')).toMatchObject({ type: 'datetime', readOnly: true });
    expect(byName.get('email')).toMatchObject({ type: 'string', readOnly: false });
    expect(byName.get('lifecyclestage')?.type).toBe('enumeration');
    const raw = await api(server.url, 'GET', '/crm/v3/properties/contacts');
    const ref = (raw.json['results'] as { name: string; hasUniqueValue: boolean }[]).find(
      (p) => p.name === 'tandem_ref',
    );
    expect(ref?.hasUniqueValue).toBe(true);
  });

  it('check() passes with the right token and fails with 401 otherwise', async () => {
    await expect(crm.check()).resolves.toBeUndefined();
    await expect(connectorFor(server.url, () => 'wrong').check()).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_AUTHENTICATION',
      retryable: false,
    });
  });
});
