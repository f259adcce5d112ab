/** The conflict queue: what policy could not settle, kept until a person resolves it. */
import type { Kysely } from 'kysely';
import type { ConflictRow, Database } from './schema.js';

export interface NewConflict {
  readonly sync: string;
  readonly crmId: string;
  readonly erpId: string;
  readonly field: string;
  /**
   * `merge`: one side merged two linked records; the other side's pair is a duplicate now.
   * `locked`: a change toward a locked ERP record (mapping `locked`). `leave`: a linked CRM record
   * left (mapping `onLeave`) and its ERP record is locked, or the action is `report`.
   */
  readonly kind: 'field' | 'delete' | 'merge' | 'locked' | 'leave';
  readonly crmValue: unknown;
  readonly erpValue: unknown;
  readonly baseValue: unknown;
}

/** Opens a conflict, or refreshes the values of the open one for the same record and field. */
export async function openConflict(db: Kysely<Database>, conflict: NewConflict, now: string): Promise<void> {
  const values = {
    crm_value: JSON.stringify(conflict.crmValue ?? null),
    erp_value: JSON.stringify(conflict.erpValue ?? null),
    base_value: JSON.stringify(conflict.baseValue ?? null),
    updated_at: now,
  };
  const updated = await db
    .updateTable('conflicts')
    .set(values)
    .where('sync', '=', conflict.sync)
    .where('crm_id', '=', conflict.crmId)
    .where('field', '=', conflict.field)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('conflicts')
    .values({
      sync: conflict.sync,
      crm_id: conflict.crmId,
      erp_id: conflict.erpId,
      field: conflict.field,
      kind: conflict.kind,
      ...values,
      status: 'open',
      resolution: null,
      created_at: now,
    })
    .execute();
}

export async function openConflictFields(
  db: Kysely<Database>,
  sync: string,
  crmIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (crmIds.length === 0) return out;
  for (let i = 0; i < crmIds.length; i += 500) {
    const rows = await db
      .selectFrom('conflicts')
      .select(['crm_id', 'field'])
      .where('sync', '=', sync)
      .where('status', '=', 'open')
      .where('crm_id', 'in', crmIds.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.crm_id, (out.get(row.crm_id) ?? new Set()).add(row.field));
  }
  return out;
}

export async function listConflicts(
  db: Kysely<Database>,
  sync?: string,
  status: 'open' | 'resolved' | 'all' = 'open',
): Promise<ConflictRow[]> {
  let query = db.selectFrom('conflicts').selectAll();
  if (sync !== undefined) query = query.where('sync', '=', sync);
  if (status !== 'all') query = query.where('status', '=', status);
  return query.orderBy('id').execute();
}

export async function getConflict(db: Kysely<Database>, id: number): Promise<ConflictRow | undefined> {
  return db.selectFrom('conflicts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function closeConflict(db: Kysely<Database>, id: number, resolution: unknown, now: string): Promise<void> {
  await db
    .updateTable('conflicts')
    .set({ status: 'resolved', resolution: JSON.stringify(resolution), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function countOpenConflicts(db: Kysely<Database>, sync: string): Promise<number> {
  const row = await db
    .selectFrom('conflicts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sync', '=', sync)
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
