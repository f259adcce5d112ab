/**
 * Odoo's x2many write commands (odoo/fields.py `Command`), as a JSON-RPC client sends them: lists
 * `[0, 0, vals]` create, `[1, id, vals]` update, `[2, id]` delete, `[3, id]` unlink, `[4, id]` link,
 * `[5]` (or `[5, 0, 0]`) clear, `[6, 0, ids]` set; a bare list of ids is a set. Applied to a
 * one2many whose inverse is `ondelete='cascade'` (order lines, invoice lines), unlinking a line
 * deletes it, as `One2many.write_real` does.
 */
import { pyRepr, valueError } from './errors.js';
import type { Env, SqlModel } from './model.js';
import type { Db } from './store.js';

export type X2ManyCommand =
  | { readonly op: 'create'; readonly vals: Record<string, unknown> }
  | { readonly op: 'update'; readonly id: number; readonly vals: Record<string, unknown> }
  | { readonly op: 'delete' | 'unlink' | 'link'; readonly id: number }
  | { readonly op: 'clear' }
  | { readonly op: 'set'; readonly ids: readonly number[] };

const isVals = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

function parseOne(command: unknown, where: string): X2ManyCommand {
  const wrong = (): Error => valueError(`Wrong value for ${where}: ${pyRepr(command)}`);
  if (!Array.isArray(command) || command.length === 0) throw wrong();
  const [op, second, third] = command as unknown[];
  switch (op) {
    case 0:
      if (isVals(third)) return { op: 'create', vals: third };
      break;
    case 1:
      if (isId(second) && isVals(third)) return { op: 'update', id: second, vals: third };
      break;
    case 2:
    case 3:
    case 4:
      if (isId(second)) return { op: op === 2 ? 'delete' : op === 3 ? 'unlink' : 'link', id: second };
      break;
    case 5:
      return { op: 'clear' };
    case 6:
      if (Array.isArray(third) && third.every(isId)) return { op: 'set', ids: third };
      break;
  }
  throw wrong();
}

/** Parses a client's x2many value; `where` names the field for the error ("sale.order.order_line"). */
export function parseCommands(value: unknown, where: string): X2ManyCommand[] {
  if (value === false || value === null || value === undefined) return [{ op: 'clear' }];
  if (!Array.isArray(value)) throw valueError(`Wrong value for ${where}: ${pyRepr(value)}`);
  if (value.length > 0 && value.every(isId)) return [{ op: 'set', ids: value }];
  return value.map((command) => parseOne(command, where));
}

/**
 * Applies commands to the one2many of `parentId` on `children` (inverse field `inverse`), through
 * the children's model so that their own rules (refusals, recomputes) run.
 */
export function applyOne2many(
  db: Db,
  env: Env,
  children: SqlModel,
  inverse: string,
  parentId: number,
  commands: readonly X2ManyCommand[],
): void {
  const current = (): number[] =>
    (
      db.prepare(`SELECT id FROM ${children.def.table} WHERE "${inverse}" = ?`).all(parentId) as Array<{ id: number }>
    ).map((row) => row.id);
  for (const command of commands) {
    switch (command.op) {
      case 'create':
        children.create([{ ...command.vals, [inverse]: parentId }]);
        break;
      case 'update':
        children.write(env, [command.id], command.vals);
        break;
      case 'delete':
      case 'unlink':
        children.unlink([command.id]);
        break;
      case 'link':
        children.write(env, [command.id], { [inverse]: parentId });
        break;
      case 'clear':
        children.unlink(current());
        break;
      case 'set': {
        const keep = new Set(command.ids);
        children.unlink(current().filter((id) => !keep.has(id)));
        if (command.ids.length > 0) children.write(env, command.ids, { [inverse]: parentId });
        break;
      }
    }
  }
}
