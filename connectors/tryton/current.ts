/**
 * Reads what an update must know of the records it changes, in one `search_read` (deactivated
 * records included): each record's `_timestamp` for optimistic concurrency and, for parties,
 * the contact mechanisms, addresses and tax identifier that the virtual fields write to; for sales,
 * the state, the lines and the invoice and shipment parties (sale-write.ts, sale-party.ts).
 * A record that does not come back does not exist.
 */
import { activeMechanisms, MECHANISM_READ } from './mechanisms.js';
import type { CurrentParty } from './party.js';
import { PARTY } from './party.js';
import type { TrytonRpc } from './rpc.js';
import { partyStateSchema, rowsSchema } from './schemas.js';
import { LINE_READ, SALE, saleLines } from './sale.js';
import type { CurrentSale } from './sale-write.js';

/** What a write knows of its target: a party's sub-records (none for other models), a sale's state and lines. */
export interface CurrentRecord extends CurrentParty {
  readonly sale?: CurrentSale;
}

const PARTY_FIELDS = ['_timestamp', ...MECHANISM_READ, 'addresses', 'identifiers', 'tax_identifier'];

export async function readCurrent(
  rpc: TrytonRpc,
  model: string,
  ids: readonly number[],
): Promise<Map<number, CurrentRecord>> {
  const out = new Map<number, CurrentRecord>();
  if (ids.length === 0) return out;
  const options = { readOnly: true, context: { active_test: false } };
  const domain = [['id', 'in', [...new Set(ids)]]];
  if (model !== PARTY) {
    for (const row of await rpc.model(
      model,
      'search_read',
      [
        domain,
        0,
        null,
        null,
        ['_timestamp', ...(model === SALE ? ['state', 'invoice_party', 'shipment_party', ...LINE_READ] : [])],
      ],
      rowsSchema,
      options,
    )) {
      const ts = row['_timestamp'];
      const state = {
        id: row.id,
        _timestamp: typeof ts === 'string' ? ts : null,
        contact_mechanisms: [],
        'contact_mechanisms.': [],
        addresses: [],
        identifiers: [],
        tax_identifier: null,
      };
      const party = (field: string): number | null => (typeof row[field] === 'number' ? row[field] : null);
      const sale =
        model === SALE
          ? {
              state: String(row['state']),
              lines: saleLines(row),
              invoice_party: party('invoice_party'),
              shipment_party: party('shipment_party'),
            }
          : undefined;
      out.set(row.id, { state, mechanisms: [], ...(sale === undefined ? {} : { sale }) });
    }
    return out;
  }
  for (const state of await rpc.model(
    model,
    'search_read',
    [domain, 0, null, null, PARTY_FIELDS],
    partyStateSchema,
    options,
  )) {
    // Only active mechanisms: a write never lands in a retired address (mechanisms.ts).
    out.set(state.id, { state, mechanisms: activeMechanisms(state) });
  }
  return out;
}
