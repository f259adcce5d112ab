/**
 * Reads what an update must know of the records it changes, in one `search_read` (deactivated
 * records included): each record's `_timestamp` for optimistic concurrency and, for parties,
 * the contact mechanisms, addresses and tax identifier that the virtual fields write to.
 * A record that does not come back does not exist.
 */
import type { CurrentParty } from './party.js';
import { PARTY } from './party.js';
import type { TrytonRpc } from './rpc.js';
import { partyStateSchema, rowsSchema } from './schemas.js';

const PARTY_FIELDS = [
  '_timestamp',
  'contact_mechanisms',
  'contact_mechanisms.type',
  'contact_mechanisms.value',
  'addresses',
  'identifiers',
  'tax_identifier',
];

export async function readCurrent(
  rpc: TrytonRpc,
  model: string,
  ids: readonly number[],
): Promise<Map<number, CurrentParty>> {
  const out = new Map<number, CurrentParty>();
  if (ids.length === 0) return out;
  const options = { readOnly: true, context: { active_test: false } };
  const domain = [['id', 'in', [...new Set(ids)]]];
  if (model !== PARTY) {
    for (const row of await rpc.model(
      model,
      'search_read',
      [domain, 0, null, null, ['_timestamp']],
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
      out.set(row.id, { state, mechanisms: [] });
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
    // Tryton lists a one2many in its order (sequence, id); the first of each type is the one it shows.
    const order = new Map(state.contact_mechanisms.map((id, i) => [id, i]));
    const mechanisms = [...state['contact_mechanisms.']]
      .map((m) => ({ id: m.id, type: m.type, value: m.value }))
      .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    out.set(state.id, { state, mechanisms });
  }
  return out;
}
