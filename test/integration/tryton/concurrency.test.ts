/**
 * The Tryton connector's optimistic concurrency against the real server: a write carries the
 * version it was planned on (read at pull time), and is refused unwritten (STALE_WRITE) when the
 * party, or one of its contact mechanisms, changed since — also while the write is in flight.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trytonConnector } from '../../../connectors/tryton/index.js';
import type { TrytonRpc } from '../../../connectors/tryton/rpc.js';
import { mechanismsSchema, nullSchema, rowsSchema } from '../../../connectors/tryton/schemas.js';
import type { Connector, SourceRecord, UpsertOperation } from '../../../connectors/types.js';
import { createTransport, type HttpTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { connectorFor, describeTryton, password, privateDatabase, rpcFor } from './server.js';

const PARTY = 'party.party';
const ro = { readOnly: true, context: { active_test: false } };
/** SQLite's `_timestamp` has whole seconds: an edit is told apart only in a later second. */
const nextSecond = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1100));

describeTryton('tryton optimistic concurrency against the real server', (env) => {
  let database: { db: string; remove: () => void };
  let rpc: TrytonRpc;
  let connector: Connector;

  beforeAll(() => {
    database = privateDatabase(env, 'concurrency');
    rpc = rpcFor(env, database.db);
    connector = connectorFor(env, database.db);
  });
  afterAll(() => database.remove());

  const update = (id: string, fields: Record<string, unknown>, version: string): UpsertOperation => ({
    action: 'upsert',
    key: `u-${id}-${version}`,
    targetId: id,
    ref: { field: 'code', value: `C-${id}` },
    fields,
    planned: { version },
  });
  const read = async (id: string): Promise<SourceRecord> => {
    const [found] = await connector.lookup.findBy(PARTY, 'id', [id], ['name', 'email']);
    if (found === undefined) throw new Error(`no party ${id}`);
    return found;
  };
  const party = async (code: string): Promise<SourceRecord> => {
    const [created] = await connector.writer.writeBatch(PARTY, [
      {
        action: 'upsert',
        key: code,
        targetId: null,
        ref: { field: 'code', value: code },
        fields: { name: code, email: `${code.toLowerCase()}@before.example` },
      },
    ]);
    if (created === undefined || !created.ok) throw new Error(JSON.stringify(created));
    return read(created.id);
  };
  const emailMechanism = async (id: string): Promise<{ id: number; value: string | null }> => {
    const [mechanism] = await rpc.model(
      'party.contact_mechanism',
      'search_read',
      [
        [
          ['party', '=', Number(id)],
          ['type', '=', 'email'],
        ],
        0,
        null,
        [['id', 'ASC']],
        ['party', 'type', 'value'],
      ],
      mechanismsSchema,
      ro,
    );
    if (mechanism === undefined) throw new Error(`party ${id} has no email`);
    return mechanism;
  };
  /** A person's edit of the email in its own form: the party's own write_date does not move. */
  const editEmail = async (id: string, value: string): Promise<void> => {
    const mechanism = await emailMechanism(id);
    await rpc.model('party.contact_mechanism', 'write', [[mechanism.id], { value }], nullSchema, { readOnly: false });
  };

  it('refuses, unwritten, a write planned on a version older than the party’s', async () => {
    const planned = await party('V-1');
    await rpc.model(PARTY, 'write', [[Number(planned.id)], { name: 'Edited by a person' }], nullSchema, {
      readOnly: false,
    });
    const [stale] = await connector.writer.writeBatch(PARTY, [
      update(planned.id, { name: 'From the CRM' }, planned.modifiedAt),
    ]);
    expect(stale).toMatchObject({ ok: false, error: { code: 'STALE_WRITE', retryable: true } });
    expect((await read(planned.id)).fields['name']).toBe('Edited by a person');
    // Planned on the version it has now, the same write goes through.
    const fresh = await read(planned.id);
    const [written] = await connector.writer.writeBatch(PARTY, [
      update(planned.id, { name: 'From the CRM' }, fresh.modifiedAt),
    ]);
    expect(written).toMatchObject({ ok: true, id: planned.id });
  });

  it('dates a party by its contact mechanisms: an email edited on its own makes a planned write stale', async () => {
    const planned = await party('V-2');
    await editEmail(planned.id, 'person@after.example');
    const now = await read(planned.id);
    expect(now.modifiedAt > planned.modifiedAt).toBe(true);
    const [stale] = await connector.writer.writeBatch(PARTY, [
      update(planned.id, { email: 'crm@after.example' }, planned.modifiedAt),
    ]);
    expect(stale).toMatchObject({ ok: false, error: { code: 'STALE_WRITE' } });
    expect((await emailMechanism(planned.id)).value).toBe('person@after.example');
  });

  it('refuses a write while an email it changes is edited in flight (the mechanism’s own _timestamp)', async () => {
    const planned = await party('V-3');
    await nextSecond();
    const inner = createTransport({ logger: silentLogger(), retry: { limit: 0 } });
    let interfere = true;
    const http: HttpTransport = {
      async request(request) {
        const body = request.json as { method?: string } | undefined;
        if (interfere && body?.method === 'model.party.party.write') {
          interfere = false;
          await editEmail(planned.id, 'person@inflight.example');
        }
        return inner.request(request);
      },
    };
    const config = trytonConnector.configSchema.parse({ url: env.url, db: database.db, login: env.login });
    const racing = trytonConnector.create('erp', config, { http, logger: silentLogger(), secret: () => password(env) });
    const [stale] = await racing.writer.writeBatch(PARTY, [
      update(planned.id, { email: 'crm@inflight.example', name: 'From the CRM' }, planned.modifiedAt),
    ]);
    expect(interfere).toBe(false);
    expect(stale).toMatchObject({ ok: false, error: { code: 'STALE_WRITE' } });
    expect((await emailMechanism(planned.id)).value).toBe('person@inflight.example');
    const [row] = await rpc.model(PARTY, 'read', [[Number(planned.id)], ['name']], rowsSchema, ro);
    expect(row?.['name']).toBe('V-3');
  });
});
