/**
 * Odoo's partner merge, as `base.partner.merge.automatic.wizard` does it (odoo/addons/base/wizard/
 * base_partner_merge.py) and as a client drives it over RPC: `create({partner_ids: [[6, 0, ids]],
 * dst_partner_id})`, then `action_merge([wizard_id])`. `_merge` refuses more than 3 partners and a
 * parent with its child; repoints every reference to the losers (here `parent_id`, and their chatter
 * messages) to the destination; fills the destination's empty fields from the losers
 * (`_update_values`: later records win, the destination last); posts the trace the mail module adds
 * (`_log_merge_operation`: "Merged with the following partners: Name <email> (ID n)") on the
 * destination; and deletes the losers outright. The sandbox's API user is the admin, for whom
 * `_merge` skips the same-email check (`env.is_admin()`).
 *
 * `mail.message` is served read-only so that the trace can be read back, as on any Odoo with the
 * mail module (every database with Contacts installed).
 */
import { OdooException, userError, valueError } from './errors.js';
import { PARTNER, type FieldDef, type ModelDef } from './fields.js';
import { SqlModel, type Env } from './model.js';
import type { Clock, Db } from './store.js';

/** A model served by code instead of a table: a transient wizard. */
export interface CustomModel {
  call(env: Env, method: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): unknown;
}

export const WIZARD = 'base.partner.merge.automatic.wizard';

const field = (name: string, type: FieldDef['type'], string: string): FieldDef => ({
  name,
  type,
  string,
  column: name,
});

/** `mail.message`, reduced to what the merge trace needs (`body` is html in Odoo, `res_id` a many2one_reference). */
export const MAIL_MESSAGE: ModelDef = {
  name: 'mail.message',
  description: 'Message',
  table: 'mail_message',
  defaultOrder: 'id desc',
  hasActive: false,
  writable: false,
  fields: new Map(
    [
      field('id', 'integer', 'ID'),
      field('model', 'char', 'Related Document Model'),
      field('res_id', 'integer', 'Related Document ID'),
      field('body', 'text', 'Contents'),
      field('message_type', 'char', 'Type'),
      field('date', 'datetime', 'Date'),
    ].map((f) => [f.name, f]),
  ),
};

interface Partner {
  id: number;
  active: number;
  create_date: string;
  parent_id: number | null;
  name: string;
  email: string | null;
  [column: string]: unknown;
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Babel's English list format, as `format_list` renders it: "A", "A and B", "A, B, and C". */
function formatList(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1] ?? ''}`;
}

/** Installs the `mail_message` table and returns the `mail.message` model and the wizard. */
export function installMergeWizard(
  db: Db,
  clock: Clock,
  comodels: (name: string) => SqlModel | undefined,
): { mailMessage: SqlModel; wizard: CustomModel } {
  db.exec(`CREATE TABLE IF NOT EXISTS mail_message (
    id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT, res_id INTEGER, body TEXT,
    message_type TEXT NOT NULL DEFAULT 'notification', date TEXT NOT NULL)`);
  const mailMessage = new SqlModel(
    MAIL_MESSAGE,
    db,
    clock,
    { displayNames: (_db, ids) => new Map(ids.map((id) => [id, ''])), validate() {} },
    comodels,
  );
  const wizards: Wizards = { open: new Map(), next: 1 };
  const wizard: CustomModel = {
    call(_env, method, args, kwargs) {
      if (method === 'create') return createWizards(wizards, args, kwargs);
      if (method === 'action_merge') {
        const ids = Array.isArray(args[0]) ? args[0] : [args[0]];
        for (const id of ids) {
          const w = typeof id === 'number' ? wizards.open.get(id) : undefined;
          if (w === undefined)
            throw new OdooException('odoo.exceptions.MissingError', 'Record does not exist or has been deleted.');
          if (w.partners.length > 0) mergePartners(db, clock, w.partners, w.dst);
        }
        return { type: 'ir.actions.act_window', res_model: WIZARD, res_id: ids[0], view_mode: 'form', target: 'new' };
      }
      throw new OdooException(
        'builtins.AttributeError',
        `The method '${method}' does not exist on the model '${WIZARD}'`,
      );
    },
  };
  return { mailMessage, wizard };
}

/** The open wizards by id (transient records: in memory only) and the next id. */
interface Wizards {
  readonly open: Map<number, { partners: number[]; dst: number | null }>;
  next: number;
}

/** `create(vals)` or `create([vals, ...])`: returns the new id, or the list of them. */
function createWizards(
  wizards: Wizards,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
): number | number[] | undefined {
  const raw = args[0] ?? kwargs['vals_list'];
  const many = Array.isArray(raw);
  const created = (many ? raw : [raw]).map((vals) => {
    const v = (typeof vals === 'object' && vals !== null ? vals : {}) as Record<string, unknown>;
    const id = wizards.next++;
    wizards.open.set(id, {
      partners: partnerCommands(v['partner_ids']),
      dst: typeof v['dst_partner_id'] === 'number' ? v['dst_partner_id'] : null,
    });
    return id;
  });
  return many ? created : created[0];
}

/** `_merge`: checks, picks the destination, then repoints, fills, logs and deletes in one transaction. */
function mergePartners(db: Db, clock: Clock, ids: readonly number[], dstId: number | null): void {
  const rows = db
    .prepare(`SELECT * FROM res_partner WHERE id IN (${ids.map(() => '?').join(',')})`)
    .all(...ids) as Partner[];
  if (rows.length < 2) return;
  refuseUnmergeable(db, rows);
  // _get_ordered_partner: active first, then the oldest; the last of the reversed order is kept.
  const ordered = [...rows].sort(
    (a, b) => b.active - a.active || a.create_date.localeCompare(b.create_date) || a.id - b.id,
  );
  const dst = rows.find((r) => r.id === dstId) ?? ordered[0];
  if (dst === undefined) return;
  const src = rows.filter((r) => r.id !== dst.id);
  const srcIds = src.map((r) => r.id);
  const list = srcIds.map(() => '?').join(',');
  const now = clock.now();
  db.transaction(() => {
    db.prepare(`UPDATE res_partner SET parent_id = ? WHERE parent_id IN (${list})`).run(dst.id, ...srcIds);
    db.prepare(`UPDATE mail_message SET res_id = ? WHERE model = 'res.partner' AND res_id IN (${list})`).run(
      dst.id,
      ...srcIds,
    );
    updateValues(db, src, dst, now);
    logMergeOperation(db, src, dst, now);
    db.prepare(`DELETE FROM res_partner WHERE id IN (${list})`).run(...srcIds);
  })();
}

/** `_merge`'s refusals: more than 3 partners, or a partner with one of its parents. */
function refuseUnmergeable(db: Db, rows: readonly Partner[]): void {
  if (rows.length > 3)
    throw userError(
      'For safety reasons, you cannot merge more than 3 contacts together. You can re-open the wizard several times if needed.',
    );
  const parentOf = db.prepare('SELECT parent_id FROM res_partner WHERE id = ?');
  const chosen = new Set(rows.map((r) => r.id));
  for (const row of rows) {
    for (let at = row.parent_id, seen = 0; at !== null && seen < 100; seen++) {
      if (chosen.has(at)) throw userError('You cannot merge a contact with one of his parent.');
      at = (parentOf.get(at) as { parent_id: number | null } | undefined)?.parent_id ?? null;
    }
  }
}

/** `_update_values`: the destination's fields from the losers' non-empty ones, later records winning, the destination last. */
function updateValues(db: Db, src: readonly Partner[], dst: Partner, now: string): void {
  const values: Record<string, unknown> = {};
  for (const def of PARTNER.fields.values()) {
    const column = def.column;
    if (column === undefined || ['id', 'create_date', 'write_date'].includes(column)) continue;
    for (const item of [...src, dst])
      if (item[column] !== null && item[column] !== 0 && item[column] !== '') values[column] = item[column];
  }
  const parent = values['parent_id'];
  delete values['parent_id'];
  const columns = Object.keys(values);
  db.prepare(
    `UPDATE res_partner SET ${[...columns.map((c) => `"${c}" = ?`), 'write_date = ?'].join(', ')} WHERE id = ?`,
  ).run(...columns.map((c) => values[c]), now, dst.id);
  // Skipped when it would make a recursive hierarchy, as _update_values skips it on ValidationError.
  if (typeof parent === 'number' && parent !== dst.id && !src.some((p) => p.id === parent))
    db.prepare('UPDATE res_partner SET parent_id = ? WHERE id = ?').run(parent, dst.id);
}

/** `_log_merge_operation`: the trace the mail module posts on the destination. */
function logMergeOperation(db: Db, src: readonly Partner[], dst: Partner, now: string): void {
  const names = src.map((p) => `${p.name} <${p.email ?? 'n/a'}> (ID ${p.id})`);
  db.prepare(
    "INSERT INTO mail_message (model, res_id, body, message_type, date) VALUES ('res.partner', ?, ?, 'notification', ?)",
  ).run(dst.id, `<p>${escapeHtml(`Merged with the following partners: ${formatList(names)}`)}</p>`, now);
}

/** The ids an x2many command list sets or links: `[[6, 0, ids]]`, `[[4, id]]`, or a bare list of ids. */
function partnerCommands(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  const ids: number[] = [];
  for (const command of value) {
    if (typeof command === 'number') ids.push(command);
    else if (Array.isArray(command) && command[0] === 6 && Array.isArray(command[2]))
      ids.push(...command[2].filter((id): id is number => typeof id === 'number'));
    else if (Array.isArray(command) && command[0] === 4 && typeof command[1] === 'number') ids.push(command[1]);
    else throw valueError(`Wrong value for ${WIZARD}.partner_ids: ${JSON.stringify(command)}`);
  }
  return ids;
}
