/**
 * What Tryton's client fills on a sale when a person picks its customer, and the connector fills
 * the same way whenever a sale write sets `party` (sale.sale `on_change_party`,
 * trytond/modules/sale/sale.py 6.0; the server itself does not):
 *
 * - `invoice_address`: the party's first address flagged `invoice` (account_invoice), else its
 *   first address; `shipment_address`: the first flagged `delivery` (stock), else its first
 *   address (party.party `address_get`; the active addresses in their model's order: sequence, id);
 * - `payment_term`: the party's customer payment term for the user's company, when it has one
 *   (without one, Tryton's create default applies: the accounting configuration's).
 *
 * Quoting needs both addresses (sale `check_for_quotation`), and trytond checks an address's
 * domain (it belongs to the sale's party) on every save. A value the write gives itself is kept,
 * and so is an address of a sale that has its own invoice or shipment party. A party without an
 * address gets none: Tryton's quote then refuses the sale, naming it.
 */
import { z } from 'zod';
import type { FieldCatalog } from './catalog.js';
import type { TrytonRpc } from './rpc.js';

/** The values `on_change_party` gives a sale of this party. */
export interface PartyDefaults {
  readonly invoice_address: number | null;
  readonly shipment_address: number | null;
  readonly payment_term: number | null;
}

/** What a sale already holds that stops an address from following its party. */
export interface SaleParties {
  readonly invoice_party: number | null;
  readonly shipment_party: number | null;
}

const partyId = (value: unknown): number | null => {
  const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : null;
};

/** The party a sale write sets, or null. */
export const writtenParty = (fields: Readonly<Record<string, unknown>>): number | null => partyId(fields['party']);

const partyRowsSchema = z.array(
  z.looseObject({
    id: z.number().int().positive(),
    addresses: z.array(z.number().int()),
    'addresses.': z.array(z.looseObject({ id: z.number().int() })).default([]),
    customer_payment_term: z.number().int().positive().nullable().optional(),
  }),
);

/** The first address with `flag` set, else the first (party.party `address_get`). */
function addressGet(ordered: ReadonlyArray<Readonly<Record<string, unknown>>>, flag: string): number | null {
  const first = ordered[0];
  if (first === undefined) return null;
  const flagged = ordered.find((a) => a[flag] === true || a[flag] === 1);
  return Number((flagged ?? first)['id']);
}

/** {@link PartyDefaults} by party id for `parties`: one `party.party` read with the user's company. */
export async function readPartyDefaults(
  rpc: TrytonRpc,
  catalog: FieldCatalog,
  parties: readonly number[],
): Promise<Map<number, PartyDefaults>> {
  const out = new Map<number, PartyDefaults>();
  if (parties.length === 0) return out;
  const party = await catalog.fields('party.party');
  const address = await catalog.fields('party.address');
  // The flags come with their modules (invoice: account_invoice, delivery: stock), as the term (account).
  const flags = ['invoice', 'delivery'].filter((f) => f in address).map((f) => `addresses.${f}`);
  const term = 'customer_payment_term' in party ? ['customer_payment_term'] : [];
  const rows = await rpc.model(
    'party.party',
    'search_read',
    [[['id', 'in', [...new Set(parties)]]], 0, null, null, ['addresses', ...flags, ...term]],
    partyRowsSchema,
    // The payment term is a value per company: asked for the user's, as the client does.
    { readOnly: true, context: await rpc.companyContext() },
  );
  for (const row of rows) {
    const nested = new Map(row['addresses.'].map((a) => [a.id, a]));
    const ordered = row.addresses.map((id) => nested.get(id) ?? { id });
    out.set(row.id, {
      invoice_address: addressGet(ordered, 'invoice'),
      shipment_address: addressGet(ordered, 'delivery'),
      payment_term: row.customer_payment_term ?? null,
    });
  }
  return out;
}

/**
 * The values `on_change_party` adds to a sale write that sets `party` (see the module doc): the
 * addresses and payment term the write does not give, and that the sale (`current`, when it
 * exists) does not tie to an invoice or shipment party of its own.
 */
export function partyFill(
  fields: Readonly<Record<string, unknown>>,
  defaults: ReadonlyMap<number, PartyDefaults>,
  current: Partial<SaleParties> | undefined,
): Record<string, unknown> {
  const id = writtenParty(fields);
  const found = id === null ? undefined : defaults.get(id);
  if (found === undefined) return {};
  const fill: Record<string, unknown> = {};
  if (!('invoice_address' in fields) && !('invoice_party' in fields) && current?.invoice_party == null)
    fill['invoice_address'] = found.invoice_address;
  if (!('shipment_address' in fields) && !('shipment_party' in fields) && current?.shipment_party == null)
    fill['shipment_address'] = found.shipment_address;
  if (!('payment_term' in fields) && found.payment_term !== null) fill['payment_term'] = found.payment_term;
  return fill;
}
