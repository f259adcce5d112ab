/** A small world in the sandbox, both syncs, and the moves a person makes in either system. */
import fs from 'node:fs';
import path from 'node:path';
import type { SourceRecord, UpsertOperation } from '../../connectors/types.js';
import { openApp, type App } from '../../src/app.js';
import { silentLogger } from '../../src/logger.js';
import type { RunStats, SyncDefinition } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/run-sync.js';
import { writeTestConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';

export interface World {
  readonly app: App;
  readonly contacts: SyncDefinition;
  run(name?: 'contacts' | 'companies', sync?: SyncDefinition): Promise<RunStats>;
  /** Companies, then contacts; the contacts run's stats. */
  runBoth(): Promise<RunStats>;
  crm(id: string): Promise<SourceRecord | undefined>;
  erp(id: string): Promise<SourceRecord | undefined>;
  editCrm(id: string, properties: Record<string, unknown>): Promise<void>;
  editErp(id: string, values: Record<string, unknown>): Promise<void>;
  createCrm(properties: Record<string, unknown>): Promise<string>;
  createErp(values: Record<string, unknown>): Promise<string>;
  archiveErp(id: string): Promise<void>;
  /** Archives a contact (HubSpot's DELETE: into the recycle bin). */
  archiveCrm(id: string): Promise<void>;
  /** Deletes a partner outright (Odoo `unlink`), as a person can: no tombstone is left. */
  deleteErp(id: string): Promise<void>;
  erpIdOf(crmId: string): Promise<string | undefined>;
  crmIdOf(erpId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface WorldOptions {
  readonly contacts?: number;
  readonly pageSize?: number;
  /** Replaces text in the shipped contact mapping (e.g. the owner policy). */
  readonly mappingEdit?: (yaml: string) => string;
  readonly configEdit?: (yaml: string) => string;
}

let counter = 0;
const key = (): string => `scenario-${process.pid}-${++counter}`;

export async function world(options: WorldOptions = {}): Promise<World> {
  const { dir, cleanup } = tempDir();
  let config = writeTestConfig({
    dir,
    contacts: options.contacts ?? 40,
    companies: 8,
    pageSize: options.pageSize ?? 25,
  });
  if (options.mappingEdit !== undefined) {
    const mapping = path.join(dir, 'contacts.yaml');
    fs.writeFileSync(
      mapping,
      options
        .mappingEdit(fs.readFileSync('mappings/hubspot-contacts-to-odoo-partners.yaml', 'utf8'))
        .replace('../schemas/', ''),
    );
    fs.writeFileSync(
      config,
      fs
        .readFileSync(config, 'utf8')
        .replace(/mapping: ".*hubspot-contacts-to-odoo-partners.yaml"/, `mapping: ${JSON.stringify(mapping)}`),
    );
  }
  if (options.configEdit !== undefined) fs.writeFileSync(config, options.configEdit(fs.readFileSync(config, 'utf8')));
  config = path.resolve(config);
  const app = await openApp(config, { logger: silentLogger() });
  const contacts = app.syncs['contacts'];
  if (contacts === undefined) throw new Error('no contacts sync');
  const crmFields = [...contacts.mapping.crmFields, 'tandem_ref'];
  const erpFields = contacts.mapping.erpFields;
  const upsert = (
    targetId: string | null,
    fields: Record<string, unknown>,
    ref: { field: string; value: string },
  ): UpsertOperation => ({ action: 'upsert', key: key(), targetId, ref, fields });
  const one = async <T>(results: Promise<T[]>): Promise<T> => {
    const [first] = await results;
    if (first === undefined) throw new Error('no result');
    return first;
  };
  const w: World = {
    app,
    contacts,
    run: (name = 'contacts', sync) => {
      const def = sync ?? app.syncs[name];
      if (def === undefined) throw new Error(`no ${name}`);
      return runSync(
        { sync: def, store: app.store, logger: app.logger, signal: new AbortController().signal },
        { kind: 'incremental' },
      );
    },
    async runBoth() {
      await w.run('companies');
      return w.run('contacts');
    },
    crm: async (id) => (await contacts.crm.lookup.findBy('contacts', 'hs_object_id', [id], crmFields))[0],
    erp: async (id) => (await contacts.erp.lookup.findBy('res.partner', 'id', [id], erpFields))[0],
    async editCrm(id, properties) {
      const result = await one(
        contacts.crm.writer.writeBatch('contacts', [upsert(id, properties, { field: 'email', value: '' })]),
      );
      if (!result.ok) throw new Error(`CRM edit failed: ${result.error.message}`);
    },
    async editErp(id, values) {
      const result = await one(
        contacts.erp.writer.writeBatch('res.partner', [upsert(id, values, { field: 'ref', value: '' })]),
      );
      if (!result.ok) throw new Error(`ERP edit failed: ${result.error.message}`);
    },
    async createCrm(properties) {
      const result = await one(
        contacts.crm.writer.writeBatch('contacts', [
          upsert(null, properties, { field: 'email', value: String(properties['email']) }),
        ]),
      );
      if (!result.ok) throw new Error(`CRM create failed: ${result.error.message}`);
      return result.id;
    },
    async createErp(values) {
      // A person creating a partner: a fresh record each time, even with an email another one has.
      const note = key();
      const result = await one(
        contacts.erp.writer.writeBatch('res.partner', [
          upsert(null, { is_company: false, comment: note, ...values }, { field: 'comment', value: note }),
        ]),
      );
      if (!result.ok) throw new Error(`ERP create failed: ${result.error.message}`);
      return result.id;
    },
    async archiveErp(id) {
      const result = await one(
        contacts.erp.writer.writeBatch('res.partner', [{ action: 'archive', key: key(), targetId: id }]),
      );
      if (!result.ok) throw new Error(`ERP archive failed: ${result.error.message}`);
    },
    async archiveCrm(id) {
      const result = await one(
        contacts.crm.writer.writeBatch('contacts', [{ action: 'archive', key: key(), targetId: id }]),
      );
      if (!result.ok) throw new Error(`CRM archive failed: ${result.error.message}`);
    },
    async deleteErp(id) {
      const url = app.sandbox?.erp.url;
      if (url === undefined) throw new Error('no ERP sandbox');
      const response = await fetch(`${url}/jsonrpc`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          method: 'call',
          params: {
            service: 'object',
            method: 'execute_kw',
            args: ['tandem', 2, 'sandbox-odoo-key', 'res.partner', 'unlink', [[Number(id)]]],
          },
          id: 1,
        }),
      });
      const body = (await response.json()) as { result?: unknown; error?: unknown };
      if (body.result !== true) throw new Error(`ERP delete failed: ${JSON.stringify(body.error)}`);
    },
    erpIdOf: async (crmId) => (await app.store.links('contacts', [crmId])).get(crmId)?.erp_id,
    crmIdOf: async (erpId) => (await app.store.linkedErpIds('contacts', [erpId])).get(erpId),
    async close() {
      await app.close();
      cleanup();
    },
  };
  return w;
}

/** Waits past a second boundary, so two edits get distinct modification times on both vendors. */
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1100));
