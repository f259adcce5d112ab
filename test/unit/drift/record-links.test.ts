/**
 * The record links of drift reports, per connector, as the README describes them: HubSpot's record
 * page with `portalId` (and `appUrl` for EU accounts), none without it; Odoo's form view; Tryton's
 * web client. Built from each connector's real factory; no request is made.
 */
import { describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot/index.js';
import { odooConnector } from '../../../connectors/odoo/index.js';
import { trytonConnector } from '../../../connectors/tryton/index.js';
import type { ConnectorContext } from '../../../connectors/types.js';
import { silentLogger } from '../../../src/logger.js';

const ctx: ConnectorContext = {
  http: {
    request: () => Promise.reject(new Error('a record link must not need a request')),
  },
  logger: silentLogger(),
  secret: () => 'not-used',
};

const hubspot = (extra: Record<string, unknown>) =>
  hubspotConnector.create(
    'crm',
    hubspotConnector.configSchema.parse({ baseUrl: 'https://api.hubapi.com', ...extra }),
    ctx,
  );

describe('record links in drift reports', () => {
  it('HubSpot: the record page of the portal, with the EU app when set; no link without portalId', () => {
    expect(hubspot({ portalId: 1234567 }).recordUrl?.('contacts', '501')).toBe(
      'https://app.hubspot.com/contacts/1234567/record/0-1/501',
    );
    expect(hubspot({ portalId: 1234567 }).recordUrl?.('companies', '9')).toBe(
      'https://app.hubspot.com/contacts/1234567/record/0-2/9',
    );
    expect(hubspot({ portalId: 1234567, appUrl: 'https://app-eu1.hubspot.com' }).recordUrl?.('contacts', '501')).toBe(
      'https://app-eu1.hubspot.com/contacts/1234567/record/0-1/501',
    );
    expect(hubspot({}).recordUrl?.('contacts', '501')).toBeUndefined();
  });

  it("Odoo: the record's form view", () => {
    const odoo = odooConnector.create(
      'erp',
      odooConnector.configSchema.parse({ url: 'https://acme.odoo.com/', db: 'acme', login: 'sync@acme.example' }),
      ctx,
    );
    expect(odoo.recordUrl?.('res.partner', '7')).toBe(
      'https://acme.odoo.com/web#id=7&model=res.partner&view_type=form',
    );
  });

  it("Tryton: the record in the web client (sao), under the connector's database", () => {
    const tryton = trytonConnector.create(
      'erp',
      trytonConnector.configSchema.parse({ url: 'https://erp.example.com', db: 'acme', login: 'sync' }),
      ctx,
    );
    expect(tryton.recordUrl?.('party.party', '42')).toBe('https://erp.example.com/#acme/model/party.party/42');
  });
});
