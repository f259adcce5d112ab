/**
 * Writes of `sale.order` on top of the generic Odoo writer (create-if-absent by `client_order_ref`,
 * per-record outcomes). What differs:
 * - `order_line` (an array of plain line objects) becomes x2many commands: all `[0, 0, vals]` on
 *   create; on update, the commands that replace the current lines by product key (order-lines.ts);
 * - `state: 'cancel'` calls `action_cancel` (context `disable_cancel_warning`, as an RPC client must,
 *   or Odoo answers the cancel wizard's action and cancels nothing), only from draft or sent;
 * - a write that would change the lines of an order that is no longer a quotation (draft/sent), or
 *   cancel it, fails with the non-retryable code ORDER_LOCKED and writes nothing. The engine's
 *   `locked` rule should keep such writes from being planned; this is the backstop;
 * - a new `partner_id` for a draft, written without `pricelist_id`, carries the order's current
 *   pricelist along: Odoo 17 would otherwise reset the draft's pricelist to the new customer's
 *   (`_compute_pricelist_id`), and with it the order's currency (docs/odoo-sale-orders.md).
 * Updates read the orders' states (and pricelists) and current lines first: two calls per batch.
 */
import { z } from 'zod';
import type { UpsertOperation, WriteFailure, WriteOperation } from '../types.js';
import {
  createCommands,
  LinePayloadError,
  parseWantedLines,
  replaceCommands,
  type ReadLine,
  type WantedLine,
} from './order-lines.js';
import type { OdooRpc } from './rpc.js';
import { fetchLines, SALE_ORDER } from './sale-orders.js';
import { writeSchema } from './schemas.js';
import { attempt, succeed, type Results } from './write-outcomes.js';
import type { Update } from './write-plan.js';

export const ORDER_LOCKED = 'ORDER_LOCKED';
const QUOTATION_STATES = new Set(['draft', 'sent']);

/** What one operation's payload asks beyond plain fields. */
interface OrderIntent {
  readonly lines: WantedLine[] | undefined;
  /** The `state` asked for, if any (only `cancel` is ever written). */
  readonly state: string | undefined;
}

const failure = (code: string, message: string): WriteFailure => ({ code, message, retryable: false });

/**
 * Checks each operation's `order_line` and `state`; a bad one fails here (VALIDATION_ERROR naming
 * the line and field). Answers the operations to plan, with `order_line` as create commands and
 * without `state`, and each one's intent by batch index.
 */
export function prepareOrders(
  operations: readonly WriteOperation[],
  results: Results,
  connector: string,
): { readonly operations: WriteOperation[]; readonly intents: Map<number, OrderIntent> } {
  const intents = new Map<number, OrderIntent>();
  const prepared = operations.map((op, index): WriteOperation => {
    const refuse = (message: string): WriteOperation => {
      results[index] = { key: op.key, ok: false, error: failure('VALIDATION_ERROR', `${connector}: ${message}`) };
      return op;
    };
    if (op.action === 'archive')
      return refuse(`sale.order ${op.targetId} cannot be archived (orders have no active flag); cancel it instead`);
    const { order_line: rawLines, state, ...plain } = op.fields;
    let lines: WantedLine[] | undefined;
    try {
      lines = rawLines === undefined ? undefined : parseWantedLines(rawLines);
    } catch (error) {
      if (!(error instanceof LinePayloadError)) throw error;
      return refuse(`sale.order ${op.ref.value}: ${error.message}`);
    }
    if (state !== undefined && typeof state !== 'string')
      return refuse(`sale.order ${op.ref.value}: state must be text such as 'cancel'`);
    if (op.targetId === null && state !== undefined && state !== 'draft')
      return refuse(`sale.order ${op.ref.value}: a new order starts as a quotation; it cannot be created '${state}'`);
    intents.set(index, { lines, state });
    const fields = lines === undefined ? plain : { ...plain, order_line: createCommands(lines) };
    return { ...op, fields } satisfies UpsertOperation;
  });
  return { operations: prepared, intents };
}

const stateRowsSchema = z.array(
  z.looseObject({
    id: z.number().int().positive(),
    name: z.string(),
    state: z.string(),
    pricelist_id: z.union([z.tuple([z.number().int(), z.string()]), z.literal(false)]),
  }),
);

/** What an update needs to know of an order as it is. */
interface Current {
  readonly name: string;
  readonly state: string;
  readonly pricelist: number | null;
}

/** The current name, state and pricelist of the orders, by id (missing ones absent). */
async function readStates(rpc: OdooRpc, ids: readonly number[]): Promise<Map<number, Current>> {
  const rows = await rpc.execute(
    {
      model: SALE_ORDER,
      method: 'search_read',
      args: [[['id', 'in', [...ids]]]],
      kwargs: { fields: ['name', 'state', 'pricelist_id'] },
      schema: stateRowsSchema,
    },
    { readOnly: true },
  );
  return new Map(
    rows.map((row) => [
      row.id,
      { name: row.name, state: row.state, pricelist: row.pricelist_id === false ? null : row.pricelist_id[0] },
    ]),
  );
}

/** A draft's new customer would reset its pricelist: keep the current one unless the payload sets it. */
function keepPricelist(vals: Record<string, unknown>, current: Current): Record<string, unknown> {
  if (!('partner_id' in vals) || 'pricelist_id' in vals || current.state !== 'draft' || current.pricelist === null)
    return vals;
  return { ...vals, pricelist_id: current.pricelist };
}

/**
 * What an update writes: its vals (plain fields and line commands) and whether it cancels; or the
 * failure that refuses it.
 */
function planUpdate(
  update: Update,
  intent: OrderIntent,
  current: Current,
  lines: readonly ReadLine[],
  connector: string,
): { vals: Record<string, unknown>; cancel: boolean } | WriteFailure {
  const label = `${connector}: sale.order ${update.id} (${current.name})`;
  const open = QUOTATION_STATES.has(current.state);
  const commands = intent.lines === undefined ? [] : replaceCommands(lines, intent.lines);
  if (commands.length > 0 && !open)
    return failure(
      ORDER_LOCKED,
      `${label} is in state ${current.state}: its lines change only while it is a quotation (draft or sent); ${commands.length} line change(s) not written`,
    );
  const cancel = intent.state === 'cancel' && current.state !== 'cancel';
  if (cancel && !open)
    return failure(
      ORDER_LOCKED,
      `${label} is in state ${current.state}: Tandem cancels only quotations (draft or sent)`,
    );
  if (intent.state !== undefined && intent.state !== 'cancel' && intent.state !== current.state)
    return failure('VALIDATION_ERROR', `${label}: Tandem writes state only as 'cancel', not '${intent.state}'`);
  const { order_line: _commands, ...fields } = update.op.fields;
  const plain = keepPricelist(fields, current);
  return { vals: commands.length > 0 ? { ...plain, order_line: commands } : plain, cancel };
}

/** Writes each update on its own (after one read of the states and one of the lines), recording each result. */
export async function updateOrders(
  rpc: OdooRpc,
  connector: string,
  results: Results,
  updates: readonly Update[],
  intents: ReadonlyMap<number, OrderIntent>,
): Promise<void> {
  if (updates.length === 0) return;
  const slots = updates.map(({ index, op }) => ({ index, key: op.key }));
  const ids = [...new Set(updates.map((u) => u.id))];
  const withLines = [...new Set(updates.filter((u) => intents.get(u.index)?.lines !== undefined).map((u) => u.id))];
  let states = new Map<number, Current>();
  let lines = new Map<number, ReadLine[]>();
  const read = await attempt(results, slots, async () => {
    states = await readStates(rpc, ids);
    lines = await fetchLines(rpc, withLines, {});
  });
  if (!read) return;
  for (const [i, update] of updates.entries()) {
    const slot = slots[i] as { index: number; key: string };
    const current = states.get(update.id);
    const intent = intents.get(update.index) ?? { lines: undefined, state: undefined };
    const planned =
      current === undefined
        ? failure('NOT_FOUND', `${connector}: sale.order ${update.id} does not exist (deleted?)`)
        : planUpdate(update, intent, current, lines.get(update.id) ?? [], connector);
    if ('code' in planned) {
      results[slot.index] = { key: slot.key, ok: false, error: planned };
      continue;
    }
    const done = await attempt(results, [slot], async () => {
      if (Object.keys(planned.vals).length > 0)
        await rpc.execute(
          { model: SALE_ORDER, method: 'write', args: [[update.id], planned.vals], schema: writeSchema },
          { readOnly: false },
        );
      if (planned.cancel)
        await rpc.execute(
          {
            model: SALE_ORDER,
            method: 'action_cancel',
            args: [[update.id]],
            kwargs: { context: { disable_cancel_warning: true } },
            // True once cancelled; a window action (the cancel wizard) would mean nothing was.
            schema: writeSchema,
          },
          { readOnly: false },
        );
    });
    if (done) succeed(results, slot, update.id, update.created);
  }
}
