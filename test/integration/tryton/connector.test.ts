/**
 * Tryton-specific behaviour against the real server: the party's virtual fields turned into
 * contact mechanisms, addresses and identifiers; optimistic concurrency with `_timestamp`;
 * a fresh login when the session is refused; Tryton's error arrays as typed errors.
 */
import { beforeAll, afterAll, expect, it } from 'vitest';
import { TrytonRpc } from '../../../connectors/tryton/rpc.js';
import { idsSchema, mechanismsSchema, nullSchema, rowsSchema } from '../../../connectors/tryton/schemas.js';
import { trytonConnector } from '../../../connectors/tryton/index.js';
import type { ChangePage, Connector, Cursor, SourceRecord, UpsertOperation } from '../../../connectors/types.js';
import { VendorError } from '../../../src/errors.js';
import { createTransport, type HttpTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { connectorFor, describeTryton, password, privateDatabase, rpcFor } from './server.js';

const upsert = (
  key: string,
  code: string,
  fields: Record<string, unknown>,
  targetId: string | null = null,
): UpsertOperation => ({
  action: 'upsert',
  key,
  targetId,
  ref: { field: 'code', value: code },
  fields,
});

describeTryton('tryton connector against the real server', (env) => {
  let database: { db: string; remove: () => void };
  let rpc: TrytonRpc;
  let connector: Connector;
  const ro = { readOnly: true, context: { active_test: false } };

  beforeAll(async () => {
    database = privateDatabase(env, 'connector');
    rpc = rpcFor(env, database.db);
    connector = connectorFor(env, database.db);
    await rpc.model(
      'country.country',
      'create',
      [
        [
          { name: 'France', code: 'FR' },
          { name: 'Germany', code: 'DE' },
        ],
      ],
      idsSchema,
      { readOnly: false },
    );
  });
  afterAll(() => database.remove());

  const mechanisms = (party: number) =>
    rpc.model(
      'party.contact_mechanism',
      'search_read',
      [[['party', '=', party]], 0, null, [['id', 'ASC']], ['party', 'type', 'value']],
      mechanismsSchema,
      ro,
    );

  it('writes flat email, phone, address and tax identifier as sub-records, and reads them back flat', async () => {
    const [created] = await connector.writer.writeBatch('party.party', [
      upsert('c', 'T-1', {
        name: 'Ada',
        email: 'ada@example.com',
        phone: '+33 1 23',
        street: '1 Rue',
        city: 'Lyon',
        zip: '69002',
        country_code: 'fr',
        tax_identifier: 'FR40303265045',
      }),
    ]);
    if (created === undefined || !created.ok) throw new Error(JSON.stringify(created));
    const id = Number(created.id);
    expect((await mechanisms(id)).map((m) => [m.type, m.value])).toEqual([
      ['email', 'ada@example.com'],
      ['phone', '+33 1 23'],
    ]);
    const [party] = await connector.lookup.findBy('party.party', 'code', ['T-1']);
    expect(party?.id).toBe(created.id);
    let read: SourceRecord | undefined;
    for await (const page of connector.reader.readChanges('party.party', {
      cursor: null,
      fields: ['name', 'email', 'phone', 'street', 'city', 'zip', 'country_code', 'tax_identifier'],
    })) {
      read = page.records.find((r) => r.id === created.id);
      break;
    }
    expect(read?.fields).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
      phone: '+33 1 23',
      street: '1 Rue',
      city: 'Lyon',
      zip: '69002',
      country_code: 'FR',
      tax_identifier: 'FR40303265045',
    });
    expect(read?.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    // An update changes the mechanism in place, deletes the emptied one, and keeps one address.
    const before = await mechanisms(id);
    const [updated] = await connector.writer.writeBatch('party.party', [
      upsert('u', 'T-1', { email: 'ada@new.example', phone: null, city: 'Paris' }, created.id),
    ]);
    expect(updated).toMatchObject({ ok: true, id: created.id, created: false });
    const after = await mechanisms(id);
    expect(after.map((m) => [m.id, m.type, m.value])).toEqual([[before[0]?.id, 'email', 'ada@new.example']]);
    const addresses = await rpc.model(
      'party.address',
      'search_read',
      [[['party', '=', id]], 0, null, null, ['city', 'street']],
      rowsSchema,
      ro,
    );
    expect(addresses.map((a) => [a['street'], a['city']])).toEqual([['1 Rue', 'Paris']]);
  });

  it('an incremental read sees a party whose email or address alone was edited (its write_date did not move)', async () => {
    const fields = ['name', 'email', 'city'];
    const [created] = await connector.writer.writeBatch('party.party', [
      upsert('s', 'T-SUB', { name: 'Sub', email: 'sub@example.com', city: 'Lyon' }),
    ]);
    if (created === undefined || !created.ok) throw new Error(JSON.stringify(created));
    const id = Number(created.id);
    const readAll = async (cursor: Cursor | null) => {
      const pages: ChangePage[] = [];
      for await (const page of connector.reader.readChanges('party.party', { cursor, fields })) pages.push(page);
      return pages;
    };
    const end = (await readAll(null)).at(-1)?.cursor ?? null;
    expect(end).not.toBeNull();
    const party = async () =>
      (await rpc.model('party.party', 'read', [[id], ['write_date']], rowsSchema, ro))[0]?.['write_date'];
    const partyDate = await party();
    const [mechanism] = await mechanisms(id);
    if (mechanism === undefined) throw new Error('no mechanism');
    // Edited on their own models, as in their own forms: the party's write_date stays.
    await rpc.model('party.contact_mechanism', 'write', [[mechanism.id], { value: 'sub@new.example' }], nullSchema, {
      readOnly: false,
    });
    const addressIds = await rpc.model('party.address', 'search', [[['party', '=', id]]], idsSchema, ro);
    await rpc.model('party.address', 'write', [addressIds, { city: 'Paris' }], nullSchema, { readOnly: false });
    expect(await party()).toEqual(partyDate);

    const pages = await readAll(end);
    const seen = pages.flatMap((p) => p.records).filter((r) => r.id === created.id);
    expect(seen.map((r) => r.fields)).toEqual([{ name: 'Sub', email: 'sub@new.example', city: 'Paris' }]);
    // Dated by the sub-record change, and under the cursor it started from: no checkpoint moves.
    expect((seen[0]?.modifiedAt ?? '') > (end?.modifiedAt ?? '')).toBe(true);
    expect(pages.at(-1)?.cursor).toEqual(end);
  });

  it('finds a party by email whatever its case, among its contact mechanisms', async () => {
    await connector.writer.writeBatch('party.party', [
      upsert('m', 'T-2', { name: 'Mixed', email: 'Mixed.Case@Example.com' }),
    ]);
    const found = await connector.lookup.findBy('party.party', 'email', [
      'mixed.case@example.com',
      'nobody@example.com',
    ]);
    expect(found.map((r) => [r.fields['code'], r.fields['email']])).toEqual([['T-2', 'Mixed.Case@Example.com']]);
  });

  it('an unknown country code fails that record only, before anything is sent', async () => {
    const results = await connector.writer.writeBatch('party.party', [
      upsert('x', 'T-3', { name: 'Nowhere', country_code: 'ZZ' }),
      upsert('y', 'T-4', { name: 'Somewhere', country_code: 'DE' }),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['VALIDATION_ERROR', 'ok']);
  });

  it('a concurrent edit in Tryton between read and write is never overwritten blindly: STALE_WRITE, nothing written', async () => {
    const [created] = await connector.writer.writeBatch('party.party', [upsert('c', 'T-5', { name: 'Original' })]);
    if (created === undefined || !created.ok) throw new Error(JSON.stringify(created));
    // SQLite's _timestamp has whole seconds: let the creation's second pass.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const inner = createTransport({ logger: silentLogger(), retry: { limit: 0 } });
    let interfere = true;
    const http: HttpTransport = {
      async request(request) {
        const body = request.json as { method?: string } | undefined;
        if (interfere && body?.method === 'model.party.party.write') {
          interfere = false;
          await rpc.model(
            'party.party',
            'write',
            [[Number(created.id)], { name: 'Edited in Tryton' }],
            idsSchema.nullable(),
            { readOnly: false },
          );
        }
        return inner.request(request);
      },
    };
    const config = trytonConnector.configSchema.parse({ url: env.url, db: database.db, login: env.login });
    const racing = trytonConnector.create('erp', config, { http, logger: silentLogger(), secret: () => password(env) });
    const [conflict] = await racing.writer.writeBatch('party.party', [
      upsert('w', 'T-5', { name: 'From the CRM' }, created.id),
    ]);
    expect(conflict).toMatchObject({ ok: false, error: { code: 'STALE_WRITE', retryable: true } });
    const [kept] = await rpc.model('party.party', 'read', [[Number(created.id)], ['name']], rowsSchema, ro);
    expect(kept?.['name']).toBe('Edited in Tryton');
    const [retried] = await racing.writer.writeBatch('party.party', [
      upsert('w', 'T-5', { name: 'From the CRM' }, created.id),
    ]);
    expect(retried).toMatchObject({ ok: true, id: created.id });
  });

  it('logs in again when the server refuses the session, and repeats the call', async () => {
    const inner = createTransport({ logger: silentLogger(), retry: { limit: 0 } });
    let spoil = 1;
    const http: HttpTransport = {
      request(request) {
        const auth = request.headers?.['authorization'];
        if (auth !== undefined && spoil > 0) {
          spoil--;
          // An unknown session key: what the server sees after the session expired.
          const [login, user] = Buffer.from(auth.slice('Session '.length), 'base64').toString().split(':');
          const expired = `Session ${Buffer.from(`${login}:${user}:expired`).toString('base64')}`;
          return inner.request({ ...request, headers: { ...request.headers, authorization: expired } });
        }
        return inner.request(request);
      },
    };
    const config = trytonConnector.configSchema.parse({ url: env.url, db: database.db, login: env.login });
    const client = new TrytonRpc('erp', config, { http, logger: silentLogger(), secret: () => password(env) });
    const ids = await client.model('party.party', 'search', [[], 0, 1, null], idsSchema, ro);
    expect(ids.length).toBe(1);
    expect(client.logins).toBe(2);
  });

  it("turns Tryton's error arrays into typed errors", async () => {
    const error = await rpc
      .model('party.party', 'create', [[{ name: 'Dup', code: 'T-1' }]], idsSchema, { readOnly: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ code: 'UserError', retryable: false });
    expect((error as VendorError).message).toMatch(/model\.party\.party\.create.*code on party must be unique/);
    const server = await rpc
      .model('party.party', 'read', [[1], ['no_such_field']], rowsSchema, ro)
      .catch((e: unknown) => e);
    expect(server).toMatchObject({ code: 'SERVER_ERROR' });
    const shape = await rpc.model('party.party', 'search', [[], 0, 2, null], rowsSchema, ro).catch((e: unknown) => e);
    expect(shape).toMatchObject({ code: 'VENDOR_RESPONSE_INVALID' });
    expect((shape as Error).message).toMatch(/model\.party\.party\.search .*\[0\]/);
  });
});
