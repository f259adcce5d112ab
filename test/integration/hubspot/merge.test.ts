/** The sandbox's merge endpoint against HubSpot's documented behaviour, read through the real connector. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/types.js';
import type { RunningServer } from '../../../sandbox/types.js';
import { api, connectorFor, startSandbox, tempDir } from './harness.js';

describe('POST /crm/v3/objects/{object}/merge', () => {
  let server: RunningServer;
  let crm: Connector;
  beforeAll(async () => {
    server = await startSandbox(await tempDir());
    crm = connectorFor(server.url);
  });
  afterAll(() => server.close());

  it('makes a new record with a new id that lists both old ids; old ids GET the merged record, search and batch read drop them', async () => {
    const merged = await api(server.url, 'POST', '/crm/v3/objects/contacts/merge', {
      primaryObjectId: '1',
      objectIdToMerge: '2',
    });
    expect(merged.status).toBe(200);
    const id = String(merged.json['id']);
    expect(id).not.toMatch(/^[12]$/);
    const old = await api(server.url, 'GET', '/crm/v3/objects/contacts/2?properties=hs_merged_object_ids,email');
    expect(old.status).toBe(200);
    expect(old.json).toMatchObject({ id, properties: { hs_merged_object_ids: '1;2' } });
    expect(await crm.lookup.findBy('contacts', 'hs_object_id', ['1', '2', id])).toEqual([
      expect.objectContaining({ id }),
    ]);
    const pages = [];
    for await (const page of crm.reader.readChanges('contacts', { cursor: null, fields: ['email'] }))
      pages.push(...page.records.map((r) => r.id));
    expect(pages).toContain(id);
    expect(pages).not.toContain('1');
    expect(pages).not.toContain('2');
  });

  it('the connector reads the trace and follows old ids, and merges through the endpoint', async () => {
    const merges = crm.merges;
    if (merges === undefined) throw new Error('the HubSpot connector supports merges');
    const id = await merges.merge('contacts', '3', '4');
    const [record] = await crm.lookup.findBy('contacts', 'hs_object_id', [id], merges.traceFields);
    if (record === undefined) throw new Error('no merged record');
    expect(await merges.mergedInto('contacts', [record])).toEqual(new Map([[id, ['3', '4']]]));
    expect(await merges.survivorsOf('contacts', ['3', '4', '5', '999999'])).toEqual(
      new Map([
        ['3', id],
        ['4', id],
      ]),
    );
  });

  it('refuses a merge with itself and an unknown id, as HubSpot does', async () => {
    const self = await api(server.url, 'POST', '/crm/v3/objects/contacts/merge', {
      primaryObjectId: '6',
      objectIdToMerge: '6',
    });
    expect(self.status).toBe(400);
    const unknown = await api(server.url, 'POST', '/crm/v3/objects/contacts/merge', {
      primaryObjectId: '6',
      objectIdToMerge: '999999',
    });
    expect(unknown.status).toBe(404);
  });

  it('a company merge moves its contacts to the merged company', async () => {
    const search = await api(server.url, 'POST', '/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'associatedcompanyid', operator: 'HAS_PROPERTY' }] }],
      properties: ['associatedcompanyid'],
      limit: 1,
    });
    const [contact] = search.json['results'] as { id: string; properties: { associatedcompanyid: string } }[];
    if (contact === undefined) throw new Error('no contact with a company');
    const company = contact.properties.associatedcompanyid;
    const other = company === '1' ? '2' : '1';
    const merged = await api(server.url, 'POST', '/crm/v3/objects/companies/merge', {
      primaryObjectId: other,
      objectIdToMerge: company,
    });
    const after = await api(server.url, 'GET', `/crm/v3/objects/contacts/${contact.id}?properties=associatedcompanyid`);
    expect(after.json).toMatchObject({ properties: { associatedcompanyid: String(merged.json['id']) } });
  });
});
