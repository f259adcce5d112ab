/**
 * The Tryton connector: trytond's JSON-RPC over HTTP, for Tryton 6.0 and later. Config: `url`,
 * `db`, `login` (and optionally `language`, `taxIdentifierType`); secret: `password`.
 *
 * - reads: incremental by `coalesce(write_date, create_date)` with an id tie-breaker, keyset
 *   paged, deactivated records as tombstones (reader.ts);
 * - writes: create-if-absent by the reference field (the party `code`), optimistic concurrency
 *   against the version a write was planned on and `_timestamp`, over the party and its contact
 *   mechanisms and addresses (concurrency.ts), per-record outcomes, bad records isolated (writer.ts);
 * - `party.party` has flat virtual fields for its email, phone, first address and tax
 *   identifier (party.ts);
 * - check: a login (`common.db.login`); bad credentials give code AUTH_FAILED.
 *
 * @example
 *   const erp = trytonConnector.create('erp', trytonConnector.configSchema.parse({ url, db, login }), ctx);
 *   for await (const page of erp.reader.readChanges('party.party', { cursor: null, fields: ['name', 'email'] })) { ... }
 */
import { capabilities, type Connector, type ConnectorContext, type ConnectorFactory } from '../types.js';
import { createCatalog } from './catalog.js';
import { trytonConfigSchema, type TrytonConfig } from './config.js';
import { withPartyVersions } from './concurrency.js';
import { createDescriber } from './describe.js';
import { createLookup } from './lookup.js';
import { createReader, MAX_PAGE_SIZE } from './reader.js';
import { TrytonRpc } from './rpc.js';
import { createWriter, MAX_WRITE_BATCH } from './writer.js';

export type { TrytonConfig } from './config.js';
export { trytonConfigSchema } from './config.js';
export { AUTH_FAILED } from './errors.js';

export const TRYTON_CAPABILITIES = capabilities({
  maxPageSize: MAX_PAGE_SIZE,
  maxWriteBatch: MAX_WRITE_BATCH,
  upsertByExternalId: false,
  // Parties (and most Tryton models) are deactivated, not deleted: `active = false` is read back.
  tombstones: true,
  activeField: 'active',
  idempotencyKeyHeader: false,
  // `_timestamp`, over the party and its sub-records (concurrency.ts).
  optimisticConcurrency: true,
});

export const trytonConnector: ConnectorFactory<TrytonConfig> = {
  kind: 'tryton',
  configSchema: trytonConfigSchema,
  create(name: string, config: TrytonConfig, ctx: ConnectorContext): Connector {
    const rpc = new TrytonRpc(name, config, ctx);
    const catalog = createCatalog(rpc);
    return Object.freeze({
      name,
      kind: 'tryton',
      capabilities: TRYTON_CAPABILITIES,
      reader: createReader(rpc, catalog),
      writer: createWriter(rpc, catalog, config),
      lookup: withPartyVersions(rpc, createLookup(rpc, catalog)),
      schema: createDescriber(catalog),
      async check(): Promise<void> {
        await rpc.check();
        ctx.logger.info({ db: config.db, login: config.login }, 'tryton credentials accepted');
      },
      // The web client (sao) served by trytond: `<url>/#<db>/model/<model>/<id>`.
      recordUrl: (object: string, id: string) =>
        `${config.url}/#${encodeURIComponent(config.db)}/model/${object}/${encodeURIComponent(id)}`,
    });
  },
};
