/**
 * End to end against a real Tryton: the sandbox HubSpot -> a real trytond (one direction, as the
 * engine syncs today), through openApp and runSync with the shipped mapping. The first run
 * converges, the second writes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SourceRecord } from '../../connectors/types.js';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { SyncDefinition } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { tempDir } from '../helpers/tmp.js';
import { describeTryton, privateDatabase } from '../integration/tryton/server.js';

const CONTACTS = 150;

async function readAll(
  app: App,
  side: 'crm' | 'erp',
  object: string,
  fields: readonly string[],
): Promise<SourceRecord[]> {
  const sync = app.syncs['contacts'] as SyncDefinition;
  const out: SourceRecord[] = [];
  for await (const page of sync[side].reader.readChanges(object, { cursor: null, fields })) out.push(...page.records);
  return out;
}

describeTryton('sync sandbox HubSpot -> real Tryton (contacts -> parties)', (env) => {
  let app: App;
  let sync: SyncDefinition;
  let cleanup: () => void;
  let database: { db: string; remove: () => void };
  const run = () =>
    runSync(
      { sync, store: app.store, logger: app.logger, signal: new AbortController().signal },
      { kind: 'incremental' },
    );

  beforeAll(async () => {
    const tmp = tempDir('tandem-tryton-e2e-');
    database = privateDatabase(env, 'e2e');
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'config.yaml');
    fs.writeFileSync(
      file,
      `
dataDir: ./data
log: { level: warn }
sandbox:
  enabled: true
  seed: 7
  contacts: ${CONTACTS}
  companies: 20
  crm: { port: 0 }
  erp: { port: 0 }
connectors:
  crm:
    kind: hubspot
    sandbox: crm
    secrets: { token: { env: TANDEM_TEST_UNSET_HUBSPOT_TOKEN } }
    retry: { limit: 6, baseDelayMs: 20, maxDelayMs: 2000 }
  erp:
    kind: tryton
    url: ${JSON.stringify(env.url)}
    db: ${JSON.stringify(database.db)}
    login: ${JSON.stringify(env.login)}
    secrets: { password: { file: ${JSON.stringify(env.passwordFile)} } }
    retry: { limit: 3, baseDelayMs: 50, maxDelayMs: 2000 }
syncs:
  contacts:
    mapping: ${JSON.stringify(path.resolve('mappings/hubspot-contacts-to-tryton-parties.yaml'))}
    crm: crm
    erp: erp
    direction: crm-to-erp
    schedule: "0 0 1 1 *"
    pageSize: 50
`,
    );
    app = await openApp(file, { logger: silentLogger() });
    sync = app.syncs['contacts'] as SyncDefinition;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    cleanup?.();
    database?.remove();
  });

  it('the first run creates one party per contact with an email, with its email, phone and address', async () => {
    const stats = await run();
    expect(stats).toMatchObject({ status: 'succeeded', failed: 0 });
    expect(stats.pulled.crm).toBe(CONTACTS);

    const contacts = await readAll(app, 'crm', 'contacts', sync.mapping.crmFields);
    const parties = await readAll(app, 'erp', 'party.party', [
      'code',
      'name',
      'email',
      'phone',
      'street',
      'city',
      'zip',
    ]);
    const withEmail = contacts.filter((c) => typeof c.fields['email'] === 'string' && c.fields['email'] !== '');
    expect(withEmail.length).toBeGreaterThan(CONTACTS * 0.8);
    expect(stats.created.erp).toBe(withEmail.length);
    const byCode = new Map<unknown, SourceRecord[]>();
    for (const p of parties) byCode.set(p.fields['code'], [...(byCode.get(p.fields['code']) ?? []), p]);
    for (const contact of withEmail) {
      const found = byCode.get(`HS-${contact.id}`) ?? [];
      expect(found, `party for contact ${contact.id}`).toHaveLength(1);
      expect(found[0]?.fields).toMatchObject({
        name: `${String(contact.fields['firstname'])} ${String(contact.fields['lastname'])}`,
        email: contact.fields['email'],
        phone: contact.fields['phone'],
        street: contact.fields['address'],
        city: contact.fields['city'],
        zip: contact.fields['zip'],
      });
    }
  });

  it('the second run writes nothing', async () => {
    const stats = await run();
    expect(stats).toMatchObject({ status: 'succeeded', written: { crm: 0, erp: 0 }, failed: 0 });
  });
});
