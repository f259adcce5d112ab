/**
 * The Odoo connector: Odoo's external JSON-RPC API (`/jsonrpc`, `object.execute_kw`), for
 * Odoo 14 to 19 and Odoo Online. Config: `url`, `db`, `login`; secret: `password` (an API key
 * is best: Settings > Users > Account Security > New API Key).
 *
 * - reads: incremental by `write_date` with an id tie-breaker, archived records as tombstones;
 * - writes: create-if-absent by the reference field, per-record outcomes, bad records isolated;
 * - check: `common.version`, then `common.authenticate` (bad credentials: code AUTH_FAILED);
 * - `sale.order`: lines and invoice aggregates, re-read when its invoices change, lines written as
 *   x2many commands, cancel, ORDER_LOCKED (sale-orders.ts, sale-order-reader.ts, sale-order-writes.ts).
 */
import { capabilities, type Connector, type ConnectorContext, type ConnectorFactory } from '../types.js';
import { odooConfigSchema, type OdooConfig } from './config.js';
import { createDescriber } from './describe.js';
import { createLookup } from './lookup.js';
import { createMerges } from './merges.js';
import { createReader, MAX_PAGE_SIZE } from './reader.js';
import { OdooRpc } from './rpc.js';
import { createWriter, MAX_WRITE_BATCH } from './writer.js';

export type { OdooConfig } from './config.js';
export { AUTH_FAILED } from './errors.js';

export const odooConnector: ConnectorFactory<OdooConfig> = {
  kind: 'odoo',
  configSchema: odooConfigSchema,
  create(name: string, config: OdooConfig, ctx: ConnectorContext): Connector {
    const rpc = new OdooRpc(name, config, ctx);
    const schema = createDescriber(rpc);
    return Object.freeze({
      name,
      kind: 'odoo',
      capabilities: capabilities({
        maxPageSize: MAX_PAGE_SIZE,
        maxWriteBatch: MAX_WRITE_BATCH,
        upsertByExternalId: false,
        tombstones: true,
        idempotencyKeyHeader: false,
        activeField: 'active',
      }),
      reader: createReader(rpc),
      writer: createWriter(rpc, name),
      lookup: createLookup(rpc),
      schema,
      merges: createMerges(rpc),
      async check(): Promise<void> {
        const version = await rpc.version();
        const { uid } = await rpc.credentials();
        ctx.logger.info({ server: version.server_version, db: config.db, uid }, 'odoo credentials accepted');
      },
      // The form view: Odoo 14-17 open it directly, Odoo 18+ redirect it to /odoo/<model>/<id>.
      recordUrl: (object: string, id: string) =>
        `${config.url}/web#id=${encodeURIComponent(id)}&model=${encodeURIComponent(object)}&view_type=form`,
    });
  },
};
