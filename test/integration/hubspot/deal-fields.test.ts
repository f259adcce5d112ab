/**
 * The connector's deals against the sandbox: the virtual fields `associations.company`,
 * `associations.contact` and `line_items` in reads and lookups, fetched only when named and at a
 * counted cost per page; writes that never send them; describe() listing them read-only.
 */
import { describe, expect, it } from 'vitest';
import type { ChangePage, Connector, SourceRecord } from '../../../connectors/types.js';
import type { RunningServer } from '../../../sandbox/types.js';
import { WORLD, api, connectorFor, sandboxPerTest } from './harness.js';

type Json = Record<string, unknown>;
const V4_COMPANIES = 'POST /crm/v4/associations/deals/companies/batch/read';
const V4_CONTACTS = 'POST /crm/v4/associations/deals/contacts/batch/read';
const V4_LINES = 'POST /crm/v4/associations/deals/line_items/batch/read';
const LINE_READ = 'POST /crm/v3/objects/line_items/batch/read';

async function readDeals(crm: Connector, fields: string[], pageSize = 200): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of crm.reader.readChanges('deals', { cursor: null, fields, pageSize })) pages.push(page);
  return pages;
}

const byId = (pages: readonly ChangePage[]): Map<string, SourceRecord> =>
  new Map(pages.flatMap((p) => p.records).map((r) => [r.id, r]));

const delta = (server: RunningServer, before: Readonly<Record<string, number>>, endpoint: string): number =>
  (server.requestsByEndpoint()[endpoint] ?? 0) - (before[endpoint] ?? 0);

async function createDeal(url: string, name: string): Promise<string> {
  const created = await api(url, 'POST', '/crm/v3/objects/deals', { properties: { dealname: name } });
  return String(created.json['id']);
}

/** `count` line items of product 1 on `dealId`, created 100 a request with their association (type 20). */
async function addLines(url: string, dealId: string, count: number): Promise<void> {
  for (let done = 0; done < count; done += 100) {
    const inputs = Array.from({ length: Math.min(100, count - done) }, (_, i) => ({
      properties: { hs_product_id: '1', quantity: String(done + i + 1) },
      associations: [
        { to: { id: dealId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 20 }] },
      ],
    }));
    const answer = await api(url, 'POST', '/crm/v3/objects/line_items/batch/create', { inputs });
    expect(answer.status).toBe(201);
  }
}

describe('HubSpot deals through the connector, with their virtual fields', () => {
  const sandbox = sandboxPerTest();

  it('reads the seeded deals with their primary company, contact and line items', async () => {
    const server = await sandbox();
    const pages = await readDeals(connectorFor(server.url), ['dealname', 'associations', 'line_items']);
    const deals = byId(pages);
    expect(deals.size).toBe(WORLD.commerce.deals.length);
    WORLD.commerce.deals.forEach((seeded, i) => {
      const deal = deals.get(String(i + 1));
      // Companies and contacts are seeded first, in the world's order: index n is id n + 1.
      expect(deal?.fields['associations']).toEqual({
        company: String(seeded.company + 1),
        contact: seeded.contact === null ? null : String(seeded.contact + 1),
      });
      const lines = deal?.fields['line_items'] as Json[];
      expect(lines.map((l) => l['quantity'])).toEqual(seeded.lines.map((l) => String(l.quantity)));
      const product = (l: (typeof seeded.lines)[number]) => WORLD.commerce.products[l.product];
      expect(lines.map((l) => l['hs_sku'])).toEqual(seeded.lines.map((l) => product(l)?.sku));
      expect(lines.map((l) => l['hs_product_id'])).toEqual(seeded.lines.map((l) => String(l.product + 1)));
      for (const line of lines)
        expect(Object.keys(line).sort()).toEqual(
          ['discount', 'hs_discount_percentage', 'hs_product_id', 'hs_sku', 'id', 'name', 'price', 'quantity'].sort(),
        );
      // The seed's discounts are percentages, as Odoo's are.
      expect(lines.map((l) => l['hs_discount_percentage'])).toEqual(
        seeded.lines.map((l) => (l.discountPercent === null ? null : String(l.discountPercent))),
      );
      const ids = lines.map((l) => Number(l['id']));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });
  });

  it('picks the primary company over a lower id, else the lowest id; null and [] when none', async () => {
    const server = await sandbox();
    const primary = await createDeal(server.url, 'primary');
    const lowest = await createDeal(server.url, 'lowest');
    const bare = await createDeal(server.url, 'bare');
    const put = (path: string, body?: unknown) => api(server.url, 'PUT', path, body);
    await put(`/crm/v4/objects/deals/${primary}/associations/default/companies/3`);
    await put(`/crm/v4/objects/deals/${primary}/associations/companies/7`, [
      { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 },
    ]);
    await put(`/crm/v4/objects/deals/${lowest}/associations/default/companies/9`);
    await put(`/crm/v4/objects/deals/${lowest}/associations/default/companies/4`);
    await put(`/crm/v4/objects/deals/${lowest}/associations/default/contacts/12`);
    await put(`/crm/v4/objects/deals/${lowest}/associations/default/contacts/5`);
    const deals = byId(await readDeals(connectorFor(server.url), ['associations', 'line_items']));
    expect(deals.get(primary)?.fields['associations']).toEqual({ company: '7', contact: null });
    expect(deals.get(lowest)?.fields['associations']).toEqual({ company: '4', contact: '5' });
    expect(deals.get(bare)?.fields).toMatchObject({ associations: { company: null, contact: null }, line_items: [] });
  });

  it('costs one association read per type per page, one line-item read per 100, nothing when not named', async () => {
    const server = await sandbox();
    const big = [await createDeal(server.url, 'big 1'), await createDeal(server.url, 'big 2')];
    await addLines(server.url, big[0] ?? '', 130);
    await addLines(server.url, big[1] ?? '', 90);
    const crm = connectorFor(server.url);
    const seededLines = WORLD.commerce.deals.reduce((n, d) => n + d.lines.length, 0);

    let before = server.requestsByEndpoint();
    const plain = await readDeals(crm, ['dealname']);
    expect(plain.flatMap((p) => p.records).every((r) => !('line_items' in r.fields))).toBe(true);
    for (const endpoint of [V4_COMPANIES, V4_CONTACTS, V4_LINES, LINE_READ])
      expect(delta(server, before, endpoint)).toBe(0);

    // One page of every deal: 220 new line items across two deals plus the seeded ones.
    before = server.requestsByEndpoint();
    const [all] = await readDeals(crm, ['dealname', 'associations.company', 'line_items']);
    const total = (all?.records ?? []).reduce((n, r) => n + (r.fields['line_items'] as unknown[]).length, 0);
    expect(total).toBe(seededLines + 220);
    expect(delta(server, before, V4_COMPANIES)).toBe(1);
    expect(delta(server, before, V4_CONTACTS)).toBe(0);
    expect(delta(server, before, V4_LINES)).toBe(1);
    expect(delta(server, before, LINE_READ)).toBe(Math.ceil(total / 100));

    // Pages of 10: each page reads its own associations once and its own line items 100 at a time.
    before = server.requestsByEndpoint();
    const pages = await readDeals(crm, ['dealname', 'associations.company', 'line_items'], 10);
    const deals = byId(pages);
    expect(pages.length).toBeGreaterThan(2);
    expect(delta(server, before, V4_COMPANIES)).toBe(pages.length);
    expect(delta(server, before, V4_LINES)).toBe(pages.length);
    const linesPerPage = pages.map((p) =>
      p.records.reduce((n, r) => n + (r.fields['line_items'] as unknown[]).length, 0),
    );
    expect(Math.max(...linesPerPage)).toBeGreaterThan(100);
    expect(delta(server, before, LINE_READ)).toBe(linesPerPage.reduce((n, l) => n + Math.ceil(l / 100), 0));
    const first = deals.get(big[0] ?? '')?.fields['line_items'] as Json[];
    expect(first.map((l) => l['quantity'])).toEqual(Array.from({ length: 130 }, (_, i) => String(i + 1)));
    expect((deals.get(big[1] ?? '')?.fields['line_items'] as Json[]).length).toBe(90);
    expect(deals.get('1')?.fields['associations']).toEqual({
      company: String((WORLD.commerce.deals[0]?.company ?? 0) + 1),
    });
  });

  it('a lookup returns the virtual fields it is asked for', async () => {
    const server = await sandbox();
    const crm = connectorFor(server.url);
    const found = await crm.lookup.findBy(
      'deals',
      'hs_object_id',
      ['1', '2'],
      ['dealname', 'associations.contact', 'line_items'],
    );
    expect(found.map((r) => r.id).sort()).toEqual(['1', '2']);
    for (const record of found) {
      const seeded = WORLD.commerce.deals[Number(record.id) - 1];
      expect(record.fields['dealname']).toBe(seeded?.name);
      const contact = seeded?.contact ?? null;
      expect(record.fields['associations']).toEqual({ contact: contact === null ? null : String(contact + 1) });
      expect((record.fields['line_items'] as unknown[]).length).toBe(seeded?.lines.length);
    }
  });

  it('never writes the virtual fields, and describes them as read-only', async () => {
    const server = await sandbox();
    const crm = connectorFor(server.url);
    const [result] = await crm.writer.writeBatch('deals', [
      {
        action: 'upsert',
        key: 'k1',
        targetId: '1',
        ref: { field: 'tandem_ref', value: 'HS-DEAL-1' },
        fields: { dealname: 'Renamed', associations: { company: '2', contact: null }, line_items: [{ id: '1' }] },
      },
    ]);
    expect(result).toMatchObject({ ok: true, id: '1' });
    const read = await api(server.url, 'GET', '/crm/v3/objects/deals/1?properties=dealname');
    expect((read.json['properties'] as Json)['dealname']).toBe('Renamed');
    const described = await crm.schema.describe('deals');
    const virtual = described.fields.filter((f) =>
      ['associations', 'associations.company', 'associations.contact', 'line_items'].includes(f.name),
    );
    expect(virtual.map((f) => [f.name, f.readOnly])).toEqual([
      ['associations', true],
      ['associations.company', true],
      ['associations.contact', true],
      ['line_items', true],
    ]);
    expect(described.fields.find((f) => f.name === 'dealstage')?.readOnly).toBe(false);
  });

  it('creates a deal by reference, finds it by tandem_ref, and an incremental read yields the change', async () => {
    const server = await sandbox();
    const crm = connectorFor(server.url);
    const pages = await readDeals(crm, ['dealname']);
    const cursor = pages[pages.length - 1]?.cursor ?? null;
    const [created] = await crm.writer.writeBatch('deals', [
      {
        action: 'upsert',
        key: 'new',
        targetId: null,
        ref: { field: 'tandem_ref', value: 'ERP-ORDER-9' },
        fields: { dealname: 'From the ERP', dealstage: 'closedwon', amount: '10.00' },
      },
    ]);
    expect(created).toMatchObject({ ok: true, created: true });
    const [found] = await crm.lookup.findBy('deals', 'tandem_ref', ['ERP-ORDER-9'], ['dealstage', 'line_items']);
    expect(found?.fields).toMatchObject({ dealname: 'From the ERP', dealstage: 'closedwon', line_items: [] });
    const changed: SourceRecord[] = [];
    for await (const page of crm.reader.readChanges('deals', { cursor, fields: ['dealname', 'associations'] }))
      changed.push(...page.records);
    // The cursor's own time is read again (lastId null): the new deal, and any at that time.
    const fresh = changed.find((r) => r.id === found?.id);
    expect(fresh?.fields).toMatchObject({ dealname: 'From the ERP', associations: { company: null, contact: null } });
    expect(changed.filter((r) => r !== fresh).every((r) => r.modifiedAt === cursor?.modifiedAt)).toBe(true);
  });
});
