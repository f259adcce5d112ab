/**
 * The connector registry: every connector kind Tandem ships, with how to point it at the
 * embedded sandbox. Adding a connector is one folder and one entry here.
 */
import { hubspotConnector } from './hubspot/index.js';
import { odooConnector } from './odoo/index.js';
import { trytonConnector } from './tryton/index.js';
import type { ConnectorFactory } from './types.js';

export interface RegisteredConnector {
  readonly factory: ConnectorFactory<unknown>;
  /** The sandbox server role this kind can stand in for, and the settings that point it there. */
  readonly sandbox?: { readonly role: 'crm' | 'erp'; readonly settings: (url: string) => Record<string, unknown> };
  /** The vendor's documented request limit, used unless the config sets `rateLimit`. */
  readonly rateLimit?: { readonly requests: number; readonly intervalMs: number };
  /** The objects Tandem syncs through this kind: a mapping naming another is refused at load. */
  readonly objects?: readonly string[];
  /** The secrets the connector reads (`ctx.secret(name)`): each must resolve before anything starts. */
  readonly secrets?: readonly string[];
}

export const SANDBOX_ODOO_DB = 'tandem';
export const SANDBOX_ODOO_LOGIN = 'admin';

export const connectorRegistry: Readonly<Record<string, RegisteredConnector>> = Object.freeze({
  hubspot: {
    factory: hubspotConnector as ConnectorFactory<unknown>,
    sandbox: { role: 'crm', settings: (url) => ({ baseUrl: url }) },
    // 100 requests per 10 s is the lowest tier's burst limit (190 on Professional and up):
    // https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
    rateLimit: { requests: 100, intervalMs: 10_000 },
    objects: ['contacts', 'companies'],
    secrets: ['token'],
  },
  odoo: {
    factory: odooConnector as ConnectorFactory<unknown>,
    sandbox: { role: 'erp', settings: (url) => ({ url, db: SANDBOX_ODOO_DB, login: SANDBOX_ODOO_LOGIN }) },
    objects: ['res.partner'],
    secrets: ['password'],
  },
  // A real Tryton server only: the embedded sandbox speaks Odoo, not Tryton.
  tryton: { factory: trytonConnector as ConnectorFactory<unknown>, objects: ['party.party'], secrets: ['password'] },
});

export function connectorKinds(): string[] {
  return Object.keys(connectorRegistry);
}
