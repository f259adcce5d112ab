/**
 * The connector contract as one suite that every connector must pass (kysely's "one test suite
 * over every dialect, against the real thing"): the sandbox HubSpot and Odoo connectors, and
 * Tryton against a real trytond. A fixture supplies the connector and the vendor-specific
 * record contents; the suite asserts only what connectors/types.ts promises.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChangePage, Connector, Cursor, SourceRecord, UpsertOperation } from '../../connectors/types.js';
import { VendorError } from '../../src/errors.js';

export interface ContractFixture {
  /** The object the suite reads and writes (`contacts`, `res.partner`, `party.party`). */
  readonly object: string;
  /** Fields to read. */
  readonly fields: readonly string[];
  /** A page size smaller than the largest group of records sharing one modification time. */
  readonly pageSize: number;
  /** The reference field for create-if-absent (HubSpot `tandem_ref`, Odoo `ref`, Tryton `code`). */
  readonly refField: string;
  /** Starts the vendor (or its sandbox) with data that has a same-time group larger than `pageSize`. */
  setup(): Promise<void>;
  teardown(): Promise<void>;
  connector(): Connector;
  /** The same connector with a wrong secret. */
  badCredentials(): Connector;
  /** Fields of a valid new record; `tag` makes them unique. */
  validFields(tag: string): Record<string, unknown>;
  /** Fields the vendor rejects. */
  invalidFields(tag: string): Record<string, unknown>;
  /** Fields the description must list, with their coarse type. */
  readonly described: ReadonlyArray<{ readonly name: string; readonly type: string }>;
}

async function readAll(
  connector: Connector,
  f: ContractFixture,
  cursor: Cursor | null,
  pageSize: number,
): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of connector.reader.readChanges(f.object, { cursor, fields: f.fields, pageSize }))
    pages.push(page);
  return pages;
}

const upsert = (f: ContractFixture, key: string, ref: string, fields: Record<string, unknown>): UpsertOperation => ({
  action: 'upsert',
  key,
  targetId: null,
  ref: { field: f.refField, value: ref },
  fields,
});

/** Registers the contract cases for one connector; call inside a `describe`. */
export function contractSuite(fixture: () => ContractFixture): void {
  let f: ContractFixture;
  let connector: Connector;
  let full: SourceRecord[];
  let pages: ChangePage[];
  const run = Date.now().toString(36);

  beforeAll(async () => {
    f = fixture();
    await f.setup();
    connector = f.connector();
    pages = await readAll(connector, f, null, f.pageSize);
    full = pages.flatMap((p) => p.records);
  }, 120_000);
  afterAll(async () => {
    await f.teardown();
  });

  it('paging: a full read yields every record once, in cursor order, no page over the size', async () => {
    expect(full.length).toBeGreaterThan(f.pageSize * 3);
    const ids = full.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.every((p) => p.records.length >= 1 && p.records.length <= f.pageSize)).toBe(true);
    for (let i = 1; i < full.length; i++) {
      const [a, b] = [full[i - 1] as SourceRecord, full[i] as SourceRecord];
      expect(Date.parse(a.modifiedAt)).toBeLessThanOrEqual(Date.parse(b.modifiedAt));
    }
    // The same set again with the largest page the connector allows.
    const big = (await readAll(connector, f, null, connector.capabilities.maxPageSize)).flatMap((p) => p.records);
    expect(big.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it('cursor boundaries: resuming from every page cursor, even inside a same-time group, skips nothing', async () => {
    const byTime = new Map<string, number>();
    for (const r of full) byTime.set(r.modifiedAt, (byTime.get(r.modifiedAt) ?? 0) + 1);
    expect(Math.max(...byTime.values())).toBeGreaterThan(f.pageSize);
    let offset = 0;
    for (const page of pages) {
      offset += page.records.length;
      const rest = full.slice(offset).map((r) => r.id);
      if (rest.length === 0) continue;
      const seen = new Set(full.slice(0, offset).map((r) => r.id));
      // Re-reads of records at the cursor are allowed (the contract says "may be yielded again"):
      // read on until something new arrives, which must continue exactly where the page ended.
      const fresh: string[] = [];
      for await (const next of connector.reader.readChanges(f.object, {
        cursor: page.cursor,
        fields: f.fields,
        pageSize: f.pageSize,
      })) {
        fresh.push(...next.records.map((r) => r.id).filter((id) => !seen.has(id)));
        if (fresh.length > 0) break;
      }
      expect(fresh.length).toBeGreaterThan(0);
      expect(fresh).toEqual(rest.slice(0, fresh.length));
    }
  });

  it('count (where the reader counts): what a read from the start, and from a time, yields', async () => {
    const count = connector.reader.count?.bind(connector.reader);
    if (count === undefined) return;
    expect(await count(f.object, { since: null })).toBe(full.length);
    const middle = full[Math.floor(full.length / 2)] as SourceRecord;
    const from = Date.parse(middle.modifiedAt);
    expect(await count(f.object, { since: middle.modifiedAt })).toBe(
      full.filter((r) => Date.parse(r.modifiedAt) >= from).length,
    );
  });

  it('create-if-absent: the same reference twice, in one batch and again later, makes one record', async () => {
    const ref = `contract-${run}-once`;
    const first = await connector.writer.writeBatch(f.object, [
      upsert(f, 'k1', ref, f.validFields(`${run}a`)),
      upsert(f, 'k2', ref, f.validFields(`${run}a`)),
    ]);
    expect(first.every((r) => r.ok)).toBe(true);
    const again = await connector.writer.writeBatch(f.object, [upsert(f, 'k3', ref, f.validFields(`${run}a`))]);
    expect(again[0]).toMatchObject({ ok: true, created: false });
    const ids = new Set([...first, ...again].map((r) => (r.ok ? r.id : '')));
    expect(ids.size).toBe(1);
    const found = await connector.lookup.findBy(f.object, f.refField, [ref]);
    expect(found.map((r) => r.id)).toEqual([...ids]);
    expect(first.filter((r) => r.ok && r.created)).toHaveLength(1);
  });

  it('partial batch failure: one bad operation fails with a reason, the others are written', async () => {
    const ops = [
      upsert(f, 'good-1', `contract-${run}-g1`, f.validFields(`${run}g1`)),
      upsert(f, 'bad', `contract-${run}-bad`, f.invalidFields(`${run}b`)),
      upsert(f, 'good-2', `contract-${run}-g2`, f.validFields(`${run}g2`)),
    ];
    const results = await connector.writer.writeBatch(f.object, ops);
    expect(results.map((r) => [r.key, r.ok])).toEqual([
      ['good-1', true],
      ['bad', false],
      ['good-2', true],
    ]);
    const bad = results[1];
    if (bad === undefined || bad.ok) throw new Error('expected a failure');
    expect(bad.error.code).toMatch(/\S/);
    expect(bad.error.retryable).toBe(false);
    const found = await connector.lookup.findBy(
      f.object,
      f.refField,
      ops.map((o) => (o.action === 'upsert' ? o.ref.value : '')),
    );
    expect(found.map((r) => r.fields[f.refField]).sort()).toEqual([`contract-${run}-g1`, `contract-${run}-g2`]);
  });

  it('tombstones: an archived record is read back as deleted (where the connector has tombstones)', async () => {
    const [created] = await connector.writer.writeBatch(f.object, [
      upsert(f, 't', `contract-${run}-t`, f.validFields(`${run}t`)),
    ]);
    if (created === undefined || !created.ok) throw new Error(`create failed: ${JSON.stringify(created)}`);
    const last = pages[pages.length - 1]?.cursor ?? null;
    const [archived] = await connector.writer.writeBatch(f.object, [
      { action: 'archive', key: 'a', targetId: created.id },
    ]);
    expect(archived).toMatchObject({ ok: true, id: created.id });
    const after = (await readAll(connector, f, last, connector.capabilities.maxPageSize)).flatMap((p) => p.records);
    const seen = after.filter((r) => r.id === created.id);
    if (connector.capabilities.tombstones) {
      expect(seen.at(-1)?.deleted).toBe(true);
      const looked = await connector.lookup.findBy(f.object, f.refField, [`contract-${run}-t`]);
      expect(looked.map((r) => [r.id, r.deleted])).toEqual([[created.id, true]]);
    } else {
      // Without tombstones an archived record simply stops being read.
      expect(seen).toEqual([]);
    }
  });

  it('field description: names, coarse types and writability of the fields the suite uses', async () => {
    const description = await connector.schema.describe(f.object);
    expect(description.name).toBe(f.object);
    const byName = new Map(description.fields.map((d) => [d.name, d]));
    for (const want of f.described) expect(byName.get(want.name)).toMatchObject({ type: want.type, readOnly: false });
    expect(byName.get(f.refField)?.readOnly).toBe(false);
  });

  it('bad credentials: check() and reads fail with a VendorError that says AUTH_FAILED or 401', async () => {
    const bad = f.badCredentials();
    const failure = await bad.check().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(VendorError);
    const error = failure as VendorError;
    expect(error.retryable).toBe(false);
    expect(error.code === 'AUTH_FAILED' || error.status === 401).toBe(true);
    await expect(readAll(bad, f, null, f.pageSize)).rejects.toBeInstanceOf(VendorError);
  });
}
