/**
 * The connector registry: every connector kind Tandem ships, with how to point it at the
 * embedded sandbox. Adding a connector is one folder and one entry here.
 */
import type { VendorLimits } from '../src/http/vendor-limits.js';
import { hubspotConfigSchema, hubspotConnector } from './hubspot/index.js';
import { hubspotLimits } from './hubspot/rate-limits.js';
import { odooConnector } from './odoo/index.js';
import { trytonConnector } from './tryton/index.js';
import type { ConnectorFactory } from './types.js';

export interface RegisteredConnector {
  readonly factory: ConnectorFactory<unknown>;
  /** The sandbox server role this kind can stand in for, and the settings that point it there. */
  readonly sandbox?: { readonly role: 'crm' | 'erp'; readonly settings: (url: string) => Record<string, unknown> };
  /**
   * The vendor's limits and rate-limit signals for the engine's request policy, from the
   * connector's settings and the config's `rateLimit` (when set); `rateLimit` alone when absent.
   */
  readonly limits?: (
    settings: Readonly<Record<string, unknown>>,
    rateLimit: { readonly requests: number; readonly intervalMs: number } | undefined,
  ) => VendorLimits;
  /** The objects Tandem syncs through this kind: a mapping naming another is refused at load. */
  readonly objects?: readonly string[];
  /** The secrets the connector reads (`ctx.secret(name)`): each must resolve before anything starts. */
  readonly secrets?: readonly string[];
  /** The settle window (seconds) this vendor needs unless the config sets `settleSeconds`; 0 when absent. */
  readonly settleSeconds?: number;
}

export const SANDBOX_ODOO_DB = 'tandem';
export const SANDBOX_ODOO_LOGIN = 'admin';

export const connectorRegistry: Readonly<Record<string, RegisteredConnector>> = Object.freeze({
  hubspot: {
    factory: hubspotConnector as ConnectorFactory<unknown>,
    sandbox: { role: 'crm', settings: (url) => ({ baseUrl: url }) },
    // 100 requests per 10 s (the lowest tier's burst limit; 190 on Professional and up) unless
    // the config sets rateLimit, and search apart: hubspot/rate-limits.ts.
    limits: (settings, rateLimit) =>
      hubspotLimits({ searchPerSecond: hubspotConfigSchema.parse(settings).searchPerSecond, burst: rateLimit }),
    objects: ['contacts', 'companies', 'deals'],
    secrets: ['token'],
    // Search is an index fed after the write: HubSpot's search guide says new and changed records
    // may take a few moments to appear in search results, with no bound; under load it is longer.
    // https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm ("Limitations")
    settleSeconds: 60,
  },
  odoo: {
    factory: odooConnector as ConnectorFactory<unknown>,
    sandbox: { role: 'erp', settings: (url) => ({ url, db: SANDBOX_ODOO_DB, login: SANDBOX_ODOO_LOGIN }) },
    objects: ['res.partner', 'sale.order'],
    secrets: ['password'],
    // `write_date` is the transaction's start (`now()` in PostgreSQL): a row commits up to one
    // transaction later than its stamp. A worker's request is killed after `--limit-time-real`,
    // 120 s by default (https://www.odoo.com/documentation/17.0/developer/reference/cli.html).
    settleSeconds: 120,
  },
  // A real Tryton server only: the embedded sandbox speaks Odoo, not Tryton.
  // Tryton stamps `write_date` with the transaction's start too (CURRENT_TIMESTAMP); its requests
  // are short, and its own `_timestamp` checks cover the edits that race a write.
  tryton: {
    factory: trytonConnector as ConnectorFactory<unknown>,
    objects: ['party.party', 'sale.sale'],
    secrets: ['password'],
    settleSeconds: 30,
  },
});

export function connectorKinds(): string[] {
  return Object.keys(connectorRegistry);
}
