/**
 * `sale.sale` through the Tryton connector against the real server: created with its lines by
 * the deal reference (exactly one, also on a retry), read back with its lines, lines replaced by
 * product, then driven as a person does (quote, confirm: Tryton processes the sale and creates the
 * invoice; post; pay in two parts) while incremental reads show the invoice aggregates, a partial
 * payment included (it writes the invoice, not the sale). Locked sales refuse line changes and
 * late cancels with ORDER_LOCKED.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TrytonRpc } from '../../../connectors/tryton/rpc.js';
import { idsSchema, nullSchema, rowsSchema } from '../../../connectors/tryton/schemas.js';
import type { Connector, Cursor, SourceRecord, UpsertOperation, WriteResult } from '../../../connectors/types.js';
import { trytonConnector } from '../../../connectors/tryton/index.js';
import { createTransport, type HttpTransport } from '../../../src/http/transport.js';
import { silentLogger } from '../../../src/logger.js';
import { connectorFor, describeTryton, password, privateDatabase, rpcFor } from './server.js';
import { invoicesOf, payInvoice, setUpSales, type SalesSetup } from './sales-setup.js';

const FIELDS = [
  'reference',
  'party',
  'state',
  'invoice_state',
  'lines',
  'invoices.amount_invoiced',
  'invoices.amount_paid',
  'invoices.amount_due',
  'invoices.payment_state',
  'invoices.paid_date',
  'invoices.names',
];

const upsert = (
  reference: string,
  fields: Record<string, unknown>,
  targetId: string | null = null,
): UpsertOperation => ({
  action: 'upsert',
  key: reference,
  targetId,
  ref: { field: 'reference', value: reference },
  fields,
});

const ok = (result: WriteResult | undefined): string => {
  if (result === undefined || !result.ok) throw new Error(`write failed: ${JSON.stringify(result)}`);
  return result.id;
};

describeTryton('tryton sale.sale (the quote-to-cash analogue)', (env) => {
  let database: { db: string; remove: () => void };
  let rpc: TrytonRpc;
  let connector: Connector;
  let setup: SalesSetup;
  let customer: number;
  const write = { readOnly: false } as const;

  beforeAll(async () => {
    database = privateDatabase(env, 'sale');
    setup = await setUpSales(rpcFor(env, database.db), env.login);
    rpc = rpcFor(env, database.db);
    connector = connectorFor(env, database.db);
    [customer] = (await rpc.model(
      'party.party',
      'create',
      [[{ name: 'Customer', addresses: [['create', [{ street: '1 Rue' }]]] }]],
      idsSchema,
      write,
    )) as [number];
  }, 120_000);
  afterAll(() => database.remove());

  /** Every page of one read, and the cursor it ends on. */
  async function readAll(
    cursor: Cursor | null,
    through: Connector = connector,
  ): Promise<{ records: SourceRecord[]; cursor: Cursor | null }> {
    const records: SourceRecord[] = [];
    let last = cursor;
    for await (const page of through.reader.readChanges('sale.sale', { cursor, fields: FIELDS })) {
      records.push(...page.records);
      last = page.cursor;
    }
    return { records, cursor: last };
  }

  const press = (button: string, id: number) =>
    rpc.model('sale.sale', button, [[id]], nullSchema, { ...write, context: { company: setup.company } });

  it('creates a sale with its lines once by its reference, also on a retry, and reads it back', async () => {
    const op = upsert('HS-DEAL-1', {
      party: customer,
      lines: [
        { product: setup.products.consulting, quantity: 2, unit_price: '12.50', description: 'Consulting' },
        { product: setup.products.support, quantity: 1, unit_price: 100 },
      ],
    });
    const [first] = await connector.writer.writeBatch('sale.sale', [op]);
    const [retry] = await connector.writer.writeBatch('sale.sale', [op]);
    expect(first).toMatchObject({ ok: true, created: true });
    expect(retry).toMatchObject({ ok: true, created: false, id: ok(first) });
    const held = await rpc.model('sale.sale', 'search', [[['reference', '=', 'HS-DEAL-1']], 0, null, null], idsSchema, {
      readOnly: true,
    });
    expect(held).toEqual([Number(ok(first))]);

    const { records } = await readAll(null);
    const sale = records.find((r) => r.id === ok(first));
    expect(sale?.fields).toMatchObject({
      reference: 'HS-DEAL-1',
      state: 'draft',
      invoice_state: 'none',
      'invoices.payment_state': 'none',
      'invoices.amount_invoiced': 0,
      'invoices.names': null,
    });
    expect(sale?.fields['lines']).toEqual([
      {
        id: expect.any(Number),
        product: setup.products.consulting,
        quantity: 2,
        unit_price: 12.5,
        description: 'Consulting',
      },
      { id: expect.any(Number), product: setup.products.support, quantity: 1, unit_price: 100, description: null },
    ]);
    const [found] = await connector.lookup.findBy('sale.sale', 'reference', ['HS-DEAL-1'], ['lines']);
    expect(found?.fields['lines']).toEqual(sale?.fields['lines']);
  });

  it('replaces lines by product: a changed line is written in place, a new one created, a gone one deleted', async () => {
    const id = ok(
      (
        await connector.writer.writeBatch('sale.sale', [
          upsert('HS-DEAL-2', {
            party: customer,
            lines: [
              { product: setup.products.consulting, quantity: 1, unit_price: '12.50' },
              { product: setup.products.support, quantity: 1, unit_price: '100' },
            ],
          }),
        ])
      )[0],
    );
    const linesOf = async () =>
      (await connector.lookup.findBy('sale.sale', 'id', [id], ['lines']))[0]?.fields['lines'] as Array<{
        id: number;
        product: number;
      }>;
    const before = await linesOf();
    const [same] = await connector.writer.writeBatch('sale.sale', [
      upsert(
        'HS-DEAL-2',
        {
          lines: [
            { product: setup.products.consulting, quantity: 1, unit_price: 12.5 },
            { product: setup.products.support, quantity: 1, unit_price: 100 },
          ],
        },
        id,
      ),
    ]);
    expect(same).toMatchObject({ ok: true, id });
    expect(await linesOf()).toEqual(before);

    await connector.writer.writeBatch('sale.sale', [
      upsert(
        'HS-DEAL-2',
        {
          lines: [
            { product: setup.products.consulting, quantity: 3, unit_price: '12.50' },
            { product: setup.products.training, quantity: 2, unit_price: '40.00' },
          ],
        },
        id,
      ),
    ]);
    const after = await linesOf();
    expect(after.map((l) => l.product)).toEqual([setup.products.consulting, setup.products.training]);
    expect(after[0]).toMatchObject({ id: before[0]?.id, quantity: 3 });
    const support = await rpc.model(
      'sale.line',
      'search',
      [
        [
          ['sale', '=', Number(id)],
          ['product', '=', setup.products.support],
        ],
        0,
        null,
        null,
      ],
      idsSchema,
      { readOnly: true },
    );
    expect(support).toEqual([]);
  });

  it('shows invoicing and payment in the next incremental reads, a partial payment included', async () => {
    const id = Number(
      ok(
        (
          await connector.writer.writeBatch('sale.sale', [
            upsert('HS-DEAL-3', {
              party: customer,
              lines: [{ product: setup.products.consulting, quantity: 2, unit_price: '12.50' }],
            }),
          ])
        )[0],
      ),
    );
    // As a person: quote (the connector filled the addresses from the party), confirm. Tryton
    // processes a confirmed sale after the call (its queue) and creates the invoice (invoice method "order").
    await press('quote', id);
    await press('confirm', id);
    const [invoice] = await invoicesOf(rpc, id);
    if (invoice === undefined) throw new Error('confirming the sale created no invoice');
    await rpc.model('account.invoice', 'post', [[invoice]], nullSchema, {
      ...write,
      context: { company: setup.company },
    });

    const posted = await readAll(null);
    expect(posted.records.find((r) => r.id === String(id))?.fields).toMatchObject({
      state: 'processing',
      'invoices.amount_invoiced': 25,
      'invoices.amount_paid': 0,
      'invoices.amount_due': 25,
      'invoices.payment_state': 'not_paid',
      'invoices.paid_date': null,
    });

    // Paying a part writes the invoice (its payment lines), not the sale.
    const saleStamp = async () =>
      (
        await rpc.model('sale.sale', 'search_read', [[['id', '=', id]], 0, null, null, ['write_date']], rowsSchema, {
          readOnly: true,
        })
      )[0]?.['write_date'];
    const stampBefore = await saleStamp();
    await payInvoice(rpc, setup, invoice, '10.00');
    expect(await saleStamp()).toEqual(stampBefore);
    const partial = await readAll(posted.cursor);
    const partly = partial.records.find((r) => r.id === String(id));
    expect(partly?.fields).toMatchObject({
      'invoices.amount_paid': 10,
      'invoices.amount_due': 15,
      'invoices.payment_state': 'partial',
      'invoices.paid_date': null,
    });
    expect(String(partly?.modifiedAt) > String(stampBefore)).toBe(true);

    await payInvoice(rpc, setup, invoice, '15.00');
    const paid = await readAll(partial.cursor);
    const today = new Date().toISOString().slice(0, 10);
    expect(paid.records.find((r) => r.id === String(id))?.fields).toMatchObject({
      invoice_state: 'paid',
      'invoices.amount_invoiced': 25,
      'invoices.amount_paid': 25,
      'invoices.amount_due': 0,
      'invoices.payment_state': 'paid',
      'invoices.paid_date': today,
      'invoices.names': expect.stringMatching(/\S/),
    });

    // The requests of that incremental read, by a fresh connector: its login, the user's company and
    // the sale fields once per connector; the invoices changed since the cursor and their sales; then
    // one page: its two streams, lines and invoices nested in them.
    const methods: string[] = [];
    const inner = createTransport({ logger: silentLogger(), retry: { limit: 0 } });
    const http: HttpTransport = {
      request(request) {
        methods.push(String((request.json as { method?: unknown } | undefined)?.method));
        return inner.request(request);
      },
    };
    const config = trytonConnector.configSchema.parse({ url: env.url, db: database.db, login: env.login });
    const counted = trytonConnector.create('erp', config, {
      http,
      logger: silentLogger(),
      secret: () => password(env),
    });
    expect((await readAll(partial.cursor, counted)).records.map((r) => r.id)).toEqual([String(id)]);
    expect(methods).toEqual([
      'common.db.login',
      'model.res.user.get_preferences',
      'model.sale.sale.fields_get',
      'model.account.invoice.search_read',
      'model.sale.sale.search_read',
      'model.sale.sale.search_read',
      'model.sale.sale.search_read',
    ]);

    // Past draft: lines and a cancel are refused unwritten, for a person to handle.
    const [lines, cancel] = await connector.writer.writeBatch('sale.sale', [
      upsert(
        'HS-DEAL-3',
        { lines: [{ product: setup.products.consulting, quantity: 5, unit_price: '12.50' }] },
        String(id),
      ),
      { ...upsert('HS-DEAL-3', { state: 'cancelled' }, String(id)), key: 'cancel' },
    ]);
    expect(lines).toMatchObject({ ok: false, error: { code: 'ORDER_LOCKED', retryable: false } });
    expect(cancel).toMatchObject({ ok: false, error: { code: 'ORDER_LOCKED', retryable: false } });
  }, 120_000);

  it("fills the addresses and payment term from the party as Tryton's client does, so the sale can be quoted", async () => {
    const context = { company: setup.company };
    const [term] = await rpc.model(
      'account.invoice.payment_term',
      'create',
      [
        [
          {
            name: '30 days',
            lines: [['create', [{ type: 'remainder', relativedeltas: [['create', [{ days: 30 }]]] }]]],
          },
        ],
      ],
      idsSchema,
      { ...write, context },
    );
    // Goods go to the first address; invoices to the second, flagged for them.
    const [billed] = (await rpc.model(
      'party.party',
      'create',
      [
        [
          {
            name: 'Billed Elsewhere',
            addresses: [['create', [{ street: '1 Dock' }, { street: '2 Office', invoice: true }]]],
            customer_payment_term: term,
          },
        ],
      ],
      idsSchema,
      { ...write, context },
    )) as [number];
    const addressesOf = (party: number) =>
      rpc.model('party.address', 'search', [[['party', '=', party]], 0, null, [['id', 'ASC']]], idsSchema, {
        readOnly: true,
      });
    const [dock, office] = await addressesOf(billed);
    const [customerAddress] = await addressesOf(customer);
    const saleOf = async (id: number) =>
      (
        await rpc.model(
          'sale.sale',
          'search_read',
          [[['id', '=', id]], 0, null, null, ['state', 'invoice_address', 'shipment_address', 'payment_term']],
          rowsSchema,
          { readOnly: true, context },
        )
      )[0];

    const lines = [{ product: setup.products.consulting, quantity: 1, unit_price: '12.50' }];
    const id = Number(
      ok((await connector.writer.writeBatch('sale.sale', [upsert('HS-DEAL-5', { party: billed, lines })]))[0]),
    );
    expect(await saleOf(id)).toMatchObject({ invoice_address: office, shipment_address: dock, payment_term: term });
    await press('quote', id);
    expect(await saleOf(id)).toMatchObject({ state: 'quotation' });

    // A draft whose customer changes follows it, as the client's form does (trytond checks that
    // the addresses belong to the sale's party on every save).
    const other = Number(
      ok((await connector.writer.writeBatch('sale.sale', [upsert('HS-DEAL-6', { party: billed, lines })]))[0]),
    );
    const [moved] = await connector.writer.writeBatch('sale.sale', [
      upsert('HS-DEAL-6', { party: customer }, String(other)),
    ]);
    expect(moved).toMatchObject({ ok: true });
    expect(await saleOf(other)).toMatchObject({ invoice_address: customerAddress, shipment_address: customerAddress });
    await press('quote', other);
    expect(await saleOf(other)).toMatchObject({ state: 'quotation' });
  });

  it("cancels a draft with state 'cancelled' (the cancel button)", async () => {
    const id = ok(
      (await connector.writer.writeBatch('sale.sale', [upsert('HS-DEAL-4', { party: customer, lines: [] })]))[0],
    );
    const [cancelled] = await connector.writer.writeBatch('sale.sale', [
      upsert('HS-DEAL-4', { state: 'cancelled' }, id),
    ]);
    expect(cancelled).toMatchObject({ ok: true, id });
    const [row] = await rpc.model(
      'sale.sale',
      'search_read',
      [[['id', '=', Number(id)]], 0, null, null, ['state']],
      rowsSchema,
      { readOnly: true },
    );
    expect(row?.['state']).toBe('cancelled');
  });
});
