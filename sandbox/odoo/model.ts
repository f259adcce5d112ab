/**
 * The ORM methods the sandbox serves over `execute_kw`, on one SQLite table: search, search_read,
 * search_count, read, create, write, unlink and fields_get, with Odoo's semantics (active_test,
 * `false` for empty values, many2one pairs, MissingError, "Invalid field").
 */
import { compileDomain } from './domain.js';
import type { OdooException } from './errors.js';
import { accessError, foreignKeyError, missingError, valueError } from './errors.js';
import { PROTECTED_FIELDS, type FieldDef, type ModelDef } from './fields.js';
import type { Clock, Db } from './store.js';
import { fromWire, orderBy, toWire } from './values.js';

export interface Env {
  readonly uid: number;
  readonly context: Readonly<Record<string, unknown>>;
}

export interface SearchOptions {
  readonly domain: unknown;
  readonly offset?: unknown;
  readonly limit?: unknown;
  readonly order?: unknown;
}

type Row = Record<string, unknown> & { id: number };

/** A public method beyond the ORM's (`action_confirm`…): the ids it is called on, and its other arguments. */
export type ModelMethod = (env: Env, ids: readonly number[], args: readonly unknown[]) => unknown;

/** Model-specific rules: display names and constraints; business models add the optional hooks. */
export interface ModelRules {
  /** Display names of the given ids (for many2one values pointing at this model). */
  displayNames(db: Db, ids: readonly number[]): Map<number, string>;
  /** Checks one record's values after a create or write; throws a ValidationError. */
  validate(db: Db, id: number | null, values: Readonly<Record<string, unknown>>): void;
  /** Fills a new record's defaults (sequence names, dates) into its columns, before `validate`. */
  defaults?(db: Db, values: Record<string, unknown>, vals: Readonly<Record<string, unknown>>): void;
  /** Refuses a write as Odoo does (locked orders, posted entries); `vals` as the client sent them. */
  beforeWrite?(db: Db, ids: readonly number[], vals: Readonly<Record<string, unknown>>): void;
  /**
   * After a create (`created`) or write, in its transaction: x2many commands, then the stored
   * computed fields.
   */
  afterWrite?(db: Db, ids: readonly number[], vals: Readonly<Record<string, unknown>>, created: boolean): void;
  /** Refuses an unlink as Odoo's `@api.ondelete` methods do; what it returns runs after the delete (recomputes). */
  beforeUnlink?(db: Db, ids: readonly number[]): (() => void) | void;
  /** Values of the fields that have no column (x2many ids, non-stored computed fields), by record id. */
  computed?(db: Db, ids: readonly number[], fields: readonly FieldDef[]): Map<number, Record<string, unknown>>;
  /** The model's public methods beyond the ORM's. */
  readonly methods?: ReadonlyMap<string, ModelMethod>;
}

export class SqlModel {
  constructor(
    readonly def: ModelDef,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly rules: ModelRules,
    private readonly comodels: (name: string) => SqlModel | undefined,
  ) {}

  private where(env: Env, domain: unknown): { sql: string; params: unknown[] } {
    const compiled = compileDomain(this.def, domain);
    const activeTest = env.context['active_test'] !== false;
    if (this.def.hasActive && activeTest && !compiled.mentionsActive) {
      return { sql: `"active" = 1 AND (${compiled.sql})`, params: compiled.params };
    }
    return { sql: compiled.sql, params: compiled.params };
  }

  private page(options: SearchOptions): { sql: string; params: unknown[] } {
    const limit = typeof options.limit === 'number' && options.limit > 0 ? Math.floor(options.limit) : -1;
    const offset = typeof options.offset === 'number' && options.offset > 0 ? Math.floor(options.offset) : 0;
    return { sql: ` ORDER BY ${orderBy(this.def, options.order)} LIMIT ? OFFSET ?`, params: [limit, offset] };
  }

  search(env: Env, options: SearchOptions): number[] {
    const where = this.where(env, options.domain);
    const page = this.page(options);
    const rows = this.db
      .prepare(`SELECT id FROM ${this.def.table} WHERE ${where.sql}${page.sql}`)
      .all(...where.params, ...page.params) as Row[];
    return rows.map((row) => row.id);
  }

  searchCount(env: Env, domain: unknown): number {
    const where = this.where(env, domain);
    return (
      this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.def.table} WHERE ${where.sql}`).get(...where.params) as {
        n: number;
      }
    ).n;
  }

  searchRead(env: Env, options: SearchOptions, fields: unknown): Record<string, unknown>[] {
    const names = this.fieldNames(fields);
    const where = this.where(env, options.domain);
    const page = this.page(options);
    const rows = this.db
      .prepare(`SELECT * FROM ${this.def.table} WHERE ${where.sql}${page.sql}`)
      .all(...where.params, ...page.params) as Row[];
    return this.format(rows, names);
  }

  /** `read` silently skips ids that do not exist, as Odoo's `_read_format` does. */
  read(ids: readonly number[], fields: unknown): Record<string, unknown>[] {
    const names = this.fieldNames(fields);
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM ${this.def.table} WHERE id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as Row[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return this.format(
      ids.flatMap((id) => byId.get(id) ?? []),
      names,
    );
  }

  create(valsList: readonly unknown[]): number[] {
    this.assertWritable('create');
    const now = this.clock.now();
    return this.db.transaction(() =>
      valsList.map((vals) => {
        const values = this.columns(vals);
        if (this.def.hasActive && !('active' in values)) values['active'] = 1;
        const raw = vals as Record<string, unknown>;
        this.rules.defaults?.(this.db, values, raw);
        this.rules.validate(this.db, null, values);
        const cols = [...Object.keys(values), 'create_date', 'write_date'];
        const sql = `INSERT INTO ${this.def.table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
        const result = this.db.prepare(sql).run(...Object.values(values), now, now);
        const id = Number(result.lastInsertRowid);
        this.rules.afterWrite?.(this.db, [id], raw, true);
        return id;
      }),
    )();
  }

  write(env: Env, ids: readonly number[], vals: unknown): true {
    this.assertWritable('write');
    const values = this.columns(vals);
    if (ids.length === 0) return true;
    this.db.transaction(() => {
      const missing = this.missing(ids);
      if (missing.length > 0) throw missingError(this.def.name, 'write', missing, env.uid);
      this.rules.beforeWrite?.(this.db, ids, vals as Record<string, unknown>);
      for (const id of ids) this.rules.validate(this.db, id, values);
      const sets = [...Object.keys(values).map((c) => `"${c}" = ?`), '"write_date" = ?'];
      const sql = `UPDATE ${this.def.table} SET ${sets.join(', ')} WHERE id IN (${ids.map(() => '?').join(',')})`;
      this.db.prepare(sql).run(...Object.values(values), this.clock.now(), ...ids);
      this.rules.afterWrite?.(this.db, ids, vals as Record<string, unknown>, false);
    })();
    return true;
  }

  /** Deletes records; ids that do not exist are ignored, children lose their parent (ondelete set null). */
  unlink(ids: readonly number[]): true {
    this.assertWritable('unlink');
    if (ids.length === 0) return true;
    const list = ids.map(() => '?').join(',');
    try {
      this.db.transaction(() => {
        const after = this.rules.beforeUnlink?.(this.db, ids);
        if (this.def.fields.has('parent_id'))
          this.db.prepare(`UPDATE ${this.def.table} SET parent_id = NULL WHERE parent_id IN (${list})`).run(...ids);
        this.db.prepare(`DELETE FROM ${this.def.table} WHERE id IN (${list})`).run(...ids);
        if (after !== undefined) after();
      })();
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw this.requiredBy(ids);
      throw error;
    }
    return true;
  }

  /**
   * A delete refused because another model's rows point at these (a partner with sales orders):
   * Odoo's ForeignKeyViolation as `_as_validation_error` words it, naming the referencing model
   * (Odoo's table names are its model names with dots as underscores) and its constraint.
   */
  private requiredBy(ids: readonly number[]): OdooException {
    const tables = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
    for (const { name: table } of tables) {
      const keys = this.db
        .prepare(`SELECT "from" AS col, "table" AS target FROM pragma_foreign_key_list(?)`)
        .all(table) as {
        col: string;
        target: string;
      }[];
      for (const { col } of keys.filter((k) => k.target === this.def.table)) {
        const list = ids.map(() => '?').join(',');
        if (this.db.prepare(`SELECT 1 FROM ${table} WHERE ${col} IN (${list}) LIMIT 1`).get(...ids) === undefined)
          continue;
        const model = table.replace(/_/g, '.');
        return foreignKeyError(model, this.comodels(model)?.def.description ?? 'Unknown', `${table}_${col}_fkey`);
      }
    }
    return foreignKeyError('unknown', 'Unknown', 'unknown');
  }

  fieldsGet(allfields: unknown, attributes: unknown): Record<string, Record<string, unknown>> {
    const wanted = Array.isArray(allfields) && allfields.length > 0 ? new Set(allfields) : undefined;
    const keep = Array.isArray(attributes) && attributes.length > 0 ? new Set(attributes) : undefined;
    const result: Record<string, Record<string, unknown>> = {};
    for (const field of this.def.fields.values()) {
      if (wanted !== undefined && !wanted.has(field.name)) continue;
      const full: Record<string, unknown> = {
        name: field.name,
        type: field.type,
        string: field.string,
        readonly: field.readonly === true,
        required: field.required === true,
        store: field.column !== undefined,
        searchable: true,
        sortable: field.column !== undefined,
        ...(field.help === undefined ? {} : { help: field.help }),
        ...(field.relation === undefined ? {} : { relation: field.relation }),
        ...(field.selection === undefined ? {} : { selection: field.selection.map((pair) => [...pair]) }),
      };
      result[field.name] =
        keep === undefined ? full : Object.fromEntries(Object.entries(full).filter(([key]) => keep.has(key)));
    }
    return result;
  }

  /** Display names for many2one values pointing at this model. */
  displayNames(ids: readonly number[]): Map<number, string> {
    return this.rules.displayNames(this.db, ids);
  }

  /** The model's own public method `name` (`action_confirm`…), if it has one. */
  method(name: string): ModelMethod | undefined {
    return this.rules.methods?.get(name);
  }

  private assertWritable(operation: string): void {
    if (!this.def.writable) {
      throw accessError(`You are not allowed to ${operation} '${this.def.description}' (${this.def.name}) records.`);
    }
  }

  private missing(ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    const found = this.db
      .prepare(`SELECT id FROM ${this.def.table} WHERE id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as Row[];
    const present = new Set(found.map((row) => row.id));
    return ids.filter((id) => !present.has(id));
  }

  private fieldNames(fields: unknown): FieldDef[] {
    const names = Array.isArray(fields) && fields.length > 0 ? fields : [...this.def.fields.keys()];
    const defs = names.map((name) => {
      const def = typeof name === 'string' ? this.def.fields.get(name) : undefined;
      if (def === undefined)
        throw valueError(`Invalid field ${JSON.stringify(name).replace(/"/g, "'")} on model '${this.def.name}'`);
      return def;
    });
    const id = this.def.fields.get('id');
    return id !== undefined && !defs.includes(id) ? [id, ...defs] : defs;
  }

  /** Checks a client's vals and returns them as columns; protected fields are ignored, as Odoo does. */
  private columns(vals: unknown): Record<string, unknown> {
    if (vals === null || typeof vals !== 'object' || Array.isArray(vals))
      throw valueError(`Invalid values: ${JSON.stringify(vals)}`);
    const columns: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(vals)) {
      const field = this.def.fields.get(name);
      if (field === undefined) throw valueError(`Invalid field '${name}' on model '${this.def.name}'`);
      if (PROTECTED_FIELDS.has(name) || field.column === undefined || field.computed === true) continue;
      columns[field.column] = fromWire(this.def, field, value);
    }
    return columns;
  }

  private format(rows: readonly Row[], fields: readonly FieldDef[]): Record<string, unknown>[] {
    const names = new Map<string, Map<number, string>>();
    for (const field of fields) {
      if (field.type !== 'many2one' || field.relation === undefined || field.column === undefined) continue;
      const column = field.column;
      const ids = [...new Set(rows.flatMap((row) => (typeof row[column] === 'number' ? [row[column]] : [])))];
      names.set(field.name, this.comodels(field.relation)?.displayNames(ids) ?? new Map());
    }
    const own = fields.some((f) => f.name === 'display_name')
      ? this.displayNames(rows.map((row) => row.id))
      : new Map<number, string>();
    const virtual = fields.filter((f) => f.column === undefined && f.name !== 'display_name');
    const computed =
      virtual.length === 0 || this.rules.computed === undefined
        ? new Map<number, Record<string, unknown>>()
        : this.rules.computed(
            this.db,
            rows.map((row) => row.id),
            virtual,
          );
    return rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const field of fields) {
        if (field.name === 'display_name') record[field.name] = own.get(row.id) ?? false;
        else if (field.column !== undefined)
          record[field.name] = toWire(field, row[field.column], names.get(field.name) ?? new Map());
        else record[field.name] = computed.get(row.id)?.[field.name] ?? false;
      }
      return record;
    });
  }
}
