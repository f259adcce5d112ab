/**
 * A person's edit in Tryton made while Tandem syncs the same party is never overwritten: the
 * sandbox HubSpot <-> a real trytond (through a proxy that can take the server down and act at the
 * moment a write arrives), the shipped contacts mapping (`owner: latest`: the later edit wins).
 *
 * (a) an edit between pull and write; (b) an edit while writes wait in the outbox (the vendor is
 * down, then back); (c) an email edited while the write is in flight. Each time the CRM changed the
 * same field first: the person's later value must end on both sides.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrytonRpc } from '../../connectors/tryton/rpc.js';
import { mechanismsSchema, nullSchema } from '../../connectors/tryton/schemas.js';
import type { SourceRecord, WriteOperation } from '../../connectors/types.js';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { RunStats, SyncDefinition } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { tempDir } from '../helpers/tmp.js';
import { describeTryton, privateDatabase, rpcFor } from '../integration/tryton/server.js';
import { dbOf } from '../helpers/store-db.js';

const PARTY = 'party.party';
/** SQLite's `_timestamp` has whole seconds: an edit is told apart only in a later second. */
const nextSecond = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1100));

/** A pass-through to trytond that can be down (503) and can act before a call of a given method. */
interface Proxy {
  readonly url: string;
  down: boolean;
  before: ((method: string) => Promise<void>) | undefined;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = String((JSON.parse(body.toString() || '{}') as { method?: unknown }).method ?? '');
      if (proxy.down) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
        return;
      }
      void (proxy.before?.(method) ?? Promise.resolve()).then(() => {
        const upstream = http.request(
          new URL(req.url ?? '/', target),
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const proxy: Proxy = {
    url: `http://127.0.0.1:${port}`,
    down: false,
    before: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return proxy;
}

describeTryton(
  'a person’s edit in Tryton during a sync is not overwritten (sandbox HubSpot <-> real Tryton)',
  (env) => {
    let app: App;
    let cleanup: () => void;
    let database: { db: string; remove: () => void };
    let rpc: TrytonRpc;
    let proxy: Proxy;
    let pairs: { contact: string; party: number }[];

    const sync = (): SyncDefinition => {
      const found = app.syncs['contacts'];
      if (found === undefined) throw new Error('no contacts sync');
      return found;
    };
    /** One run; `beforeWrite` runs once, when Tandem is about to write parties (after it pulled and planned). */
    const run = (beforeWrite?: () => Promise<void>): Promise<RunStats> => {
      const def = sync();
      let hook = beforeWrite;
      const writer = {
        async writeBatch(object: string, operations: readonly WriteOperation[]) {
          const once = hook;
          hook = undefined;
          if (object === PARTY) await once?.();
          return def.erp.writer.writeBatch(object, operations);
        },
      };
      return runSync(
        {
          sync: { ...def, erp: { ...def.erp, writer } },
          store: app.store,
          logger: app.logger,
          signal: new AbortController().signal,
        },
        { kind: 'incremental' },
      );
    };
    const contact = async (id: string): Promise<SourceRecord> => {
      const [found] = await sync().crm.lookup.findBy(
        'contacts',
        'hs_object_id',
        [id],
        ['email', 'firstname', 'lastname'],
      );
      if (found === undefined) throw new Error(`no contact ${id}`);
      return found;
    };
    const party = async (id: number): Promise<SourceRecord> => {
      const [found] = await sync().erp.lookup.findBy(PARTY, 'id', [String(id)], ['name', 'email']);
      if (found === undefined) throw new Error(`no party ${id}`);
      return found;
    };
    const editContact = async (id: string, fields: Record<string, unknown>): Promise<void> => {
      const [result] = await sync().crm.writer.writeBatch('contacts', [
        {
          action: 'upsert',
          key: `edit-${id}-${Date.now()}`,
          targetId: id,
          ref: { field: 'hs_object_id', value: id },
          fields,
        },
      ]);
      if (result === undefined || !result.ok) throw new Error(JSON.stringify(result));
    };
    const renameParty = (id: number, name: string): Promise<null> =>
      rpc.model(PARTY, 'write', [[id], { name }], nullSchema, { readOnly: false });
    const expectSucceeded = (stats: RunStats): void =>
      expect(stats).toMatchObject({ status: 'succeeded', failed: 0, deadLettered: 0 });

    beforeAll(async () => {
      const tmp = tempDir('tandem-tryton-concurrency-');
      cleanup = tmp.cleanup;
      database = privateDatabase(env, 'concurrency_e2e');
      proxy = await startProxy(env.url);
      const file = path.join(tmp.dir, 'config.yaml');
      fs.writeFileSync(
        file,
        `
dataDir: ./data
log: { level: warn }
sandbox:
  enabled: true
  seed: 11
  contacts: 6
  companies: 1
  crm: { port: 0 }
  erp: { port: 0 }
connectors:
  crm:
    kind: hubspot
    sandbox: crm
    secrets: { token: { env: TANDEM_TEST_UNSET_HUBSPOT_TOKEN } }
    retry: { limit: 3, baseDelayMs: 20, maxDelayMs: 500 }
  erp:
    kind: tryton
    url: ${JSON.stringify(proxy.url)}
    db: ${JSON.stringify(database.db)}
    login: ${JSON.stringify(env.login)}
    secrets: { password: { file: ${JSON.stringify(env.passwordFile)} } }
    retry: { limit: 0 }
    breaker: { failures: 1000, halfOpenAfterMs: 1000 }
syncs:
  contacts:
    mapping: ${JSON.stringify(path.resolve('mappings/hubspot-contacts-to-tryton-parties.yaml'))}
    crm: crm
    erp: erp
    direction: both
    schedule: "0 0 1 1 *"
`,
      );
      app = await openApp(file, { logger: silentLogger() });
      rpc = rpcFor(env, database.db);
      expectSucceeded(await run());
      const links = await dbOf(app.store)
        .selectFrom('links')
        .select(['crm_id', 'erp_id'])
        .where('sync', '=', 'contacts')
        .execute();
      pairs = links.map((l) => ({ contact: l.crm_id, party: Number(l.erp_id) }));
      expect(pairs.length).toBeGreaterThanOrEqual(3);
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await proxy?.close();
      cleanup?.();
      database?.remove();
    });

    it('(a) an edit made in Tryton between pull and write survives, and reaches HubSpot', async () => {
      const { contact: id, party: partyId } = pairs[0] ?? { contact: '', party: 0 };
      await editContact(id, { firstname: 'Crmfirst' });
      const stats = await run(async () => {
        await renameParty(partyId, 'Person Between');
      });
      expectSucceeded(stats);
      expect((await party(partyId)).fields['name']).toBe('Person Between');
      expect((await contact(id)).fields).toMatchObject({ firstname: 'Person', lastname: 'Between' });
      expectSucceeded(await run());
      expect((await party(partyId)).fields['name']).toBe('Person Between');
    });

    it('(b) an edit made while writes wait in the outbox (Tryton down) wins under owner: latest', async () => {
      const { contact: id, party: partyId } = pairs[1] ?? { contact: '', party: 0 };
      await editContact(id, { firstname: 'Queued' });
      // Tryton goes down after Tandem planned the write: it stays in the outbox.
      const outage = await run(async () => {
        proxy.down = true;
      });
      expect(outage.status).not.toBe('succeeded');
      expect((await app.store.outboxCounts('contacts')).pending).toBeGreaterThan(0);
      proxy.down = false;
      await renameParty(partyId, 'Person During Outage');
      expectSucceeded(await run());
      expect((await party(partyId)).fields['name']).toBe('Person During Outage');
      expect((await contact(id)).fields).toMatchObject({ firstname: 'Person', lastname: 'During Outage' });
      expect((await app.store.outboxCounts('contacts')).pending).toBe(0);
    });

    it('(c) an email edited in Tryton while Tandem writes that email is not lost', async () => {
      const { contact: id, party: partyId } = pairs[2] ?? { contact: '', party: 0 };
      await nextSecond();
      await editContact(id, { email: 'crm.changed@example.com' });
      const [mechanism] = await rpc.model(
        'party.contact_mechanism',
        'search_read',
        [
          [
            ['party', '=', partyId],
            ['type', '=', 'email'],
          ],
          0,
          null,
          [['id', 'ASC']],
          ['party', 'type', 'value'],
        ],
        mechanismsSchema,
        { readOnly: true },
      );
      if (mechanism === undefined) throw new Error(`party ${partyId} has no email`);
      let edited = false;
      proxy.before = async (method) => {
        if (edited || method !== 'model.party.party.write') return;
        edited = true;
        // A person saves the email in its own form, while Tandem's write is on its way.
        await rpc.model(
          'party.contact_mechanism',
          'write',
          [[mechanism.id], { value: 'person.changed@example.com' }],
          nullSchema,
          {
            readOnly: false,
          },
        );
      };
      const stats = await run();
      proxy.before = undefined;
      expect(edited).toBe(true);
      expectSucceeded(stats);
      expect((await party(partyId)).fields['email']).toBe('person.changed@example.com');
      expect((await contact(id)).fields['email']).toBe('person.changed@example.com');
    });
  },
);
