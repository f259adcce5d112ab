import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot/index.js';
import { VendorError } from '../../../src/errors.js';
import { BASE, connector } from './fixtures.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const list = { results: [{ id: '1', properties: {}, createdAt: 'a', updatedAt: 'b' }] };

describe('HubSpot client and connector basics (nock)', () => {
  it('reads the token for every request, so a rotated token is used at once', async () => {
    const tokens = ['first-token', 'second-token'];
    let calls = 0;
    const scope = nock(BASE)
      .get('/crm/v3/objects/contacts')
      .query({ limit: '1' })
      .matchHeader('authorization', 'Bearer first-token')
      .reply(200, list)
      .get('/crm/v3/objects/contacts')
      .query({ limit: '1' })
      .matchHeader('authorization', 'Bearer second-token')
      .reply(200, list);
    const crm = connector(() => tokens[calls++] ?? 'none');
    await crm.check();
    await crm.check();
    scope.done();
    expect(calls).toBe(2);
  });

  it('a 429 is a retryable VendorError with the category, status and a body excerpt', async () => {
    const scope = nock(BASE).get('/crm/v3/objects/contacts').query(true).reply(429, {
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'SECONDLY',
    });
    const error: unknown = await connector()
      .check()
      .catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({
      status: 429,
      retryable: true,
      code: 'RATE_LIMITED',
      details: { endpoint: 'GET /crm/v3/objects/contacts', body: expect.stringContaining('secondly limit') },
    });
  });

  it('a 500 is retryable, a 400 and a 401 are not', async () => {
    const scope = nock(BASE)
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(500, { status: 'error', category: 'INTERNAL_ERROR', message: 'internal error' })
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(400, { status: 'error', category: 'VALIDATION_ERROR', message: 'bad' })
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(401, {
        status: 'error',
        category: 'INVALID_AUTHENTICATION',
        message: 'Authentication credentials not found.',
      });
    const crm = connector();
    await expect(crm.check()).rejects.toMatchObject({ status: 500, retryable: true, code: 'INTERNAL_ERROR' });
    await expect(crm.check()).rejects.toMatchObject({ status: 400, retryable: false, code: 'VALIDATION_ERROR' });
    await expect(crm.check()).rejects.toMatchObject({ status: 401, retryable: false, code: 'INVALID_AUTHENTICATION' });
    scope.done();
  });

  it('describes properties and rejects a properties answer of the wrong shape, naming the field', async () => {
    const scope = nock(BASE)
      .get('/crm/v3/properties/contacts')
      .reply(200, {
        results: [
          {
            name: 'createdate',
            label: 'Create Date',
            type: 'datetime',
            fieldType: 'date',
            modificationMetadata: { readOnlyValue: true },
          },
          { name: 'hs_lead_status', label: 'Lead Status', type: 'enumeration' },
        ],
      })
      .get('/crm/v3/properties/companies')
      .reply(200, { results: [{ name: 'domain', type: 'string' }] });
    const crm = connector();
    expect(await crm.schema.describe('contacts')).toEqual({
      name: 'contacts',
      fields: [
        { name: 'createdate', label: 'Create Date', type: 'datetime', readOnly: true },
        { name: 'hs_lead_status', label: 'Lead Status', type: 'enumeration', readOnly: false },
      ],
    });
    await expect(crm.schema.describe('companies')).rejects.toMatchObject({
      code: 'VENDOR_RESPONSE_INVALID',
      details: { endpoint: 'GET /crm/v3/properties/companies', issues: expect.stringContaining('results[0].label') },
    });
    scope.done();
  });

  it('looks up a unique property with batch read, live and archived, and ignores not-found errors', async () => {
    const at = '2024-05-01T10:00:00.000Z';
    const scope = nock(BASE)
      .get('/crm/v3/properties/contacts')
      .reply(200, { results: [{ name: 'tandem_ref', label: 'Ref', type: 'string', hasUniqueValue: true }] })
      .post(
        '/crm/v3/objects/contacts/batch/read',
        (b: { idProperty: string; inputs: { id: string }[] }) => b.idProperty === 'tandem_ref' && b.inputs.length === 2,
      )
      .query({ archived: 'false' })
      .reply(207, {
        status: 'COMPLETE',
        results: [
          {
            id: '1',
            properties: { tandem_ref: 'A', lastmodifieddate: at },
            createdAt: at,
            updatedAt: at,
            archived: false,
          },
        ],
        errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'nope', context: { ids: ['B'] } }],
      })
      .post('/crm/v3/objects/contacts/batch/read')
      .query({ archived: 'true' })
      .reply(200, {
        status: 'COMPLETE',
        results: [
          {
            id: '2',
            properties: { tandem_ref: 'B', lastmodifieddate: at },
            createdAt: at,
            updatedAt: at,
            archived: true,
          },
        ],
      });
    const found = await connector().lookup.findBy('contacts', 'tandem_ref', ['A', 'B']);
    scope.done();
    expect(found.map((r) => [r.id, r.deleted])).toEqual([
      ['1', false],
      ['2', true],
    ]);
  });

  it('validates its config: the base URL defaults to HubSpot, unknown keys are refused', () => {
    expect(hubspotConnector.configSchema.parse({})).toMatchObject({
      baseUrl: 'https://api.hubapi.com',
      pageSize: 200,
      fullReads: 'search',
    });
    expect(hubspotConnector.configSchema.safeParse({ token: 'x' }).success).toBe(false);
    expect(hubspotConnector.configSchema.safeParse({ pageSize: 500 }).success).toBe(false);
  });
});
