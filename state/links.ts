/** Link queries: CRM id <-> ERP id pairs with their base snapshot. */
import type { Kysely } from 'kysely';
import { applyMarkers, type MarkerUpdate } from './link-markers.js';
import type { Database, LinkRow } from './schema.js';

const CHUNK = 500;

/** `items` in slices of `size`. */
export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Links of the given CRM ids, keyed by CRM id. */
export async function linksByCrmId(
  db: Kysely<Database>,
  sync: string,
  crmIds: readonly string[],
): Promise<Map<string, LinkRow>> {
  const found = new Map<string, LinkRow>();
  for (const part of chunks(crmIds)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('links')
      .selectAll()
      .where('sync', '=', sync)
      .where('crm_id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.crm_id, row);
  }
  return found;
}

/** Which of the given ERP ids are already linked, and to which CRM id. */
export async function linkedErpIds(
  db: Kysely<Database>,
  sync: string,
  erpIds: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const part of chunks(erpIds)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('links')
      .select(['crm_id', 'erp_id'])
      .where('sync', '=', sync)
      .where('erp_id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.erp_id, row.crm_id);
  }
  return found;
}

export async function countLinks(db: Kysely<Database>, sync: string): Promise<number> {
  const row = await db
    .selectFrom('links')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sync', '=', sync)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Links keyed by the id of `side`'s record. */
export async function linksBySide(
  db: Kysely<Database>,
  sync: string,
  side: 'crm' | 'erp',
  ids: readonly string[],
): Promise<Map<string, LinkRow>> {
  const found = new Map<string, LinkRow>();
  const column = side === 'crm' ? 'crm_id' : 'erp_id';
  for (const part of chunks(ids)) {
    if (part.length === 0) continue;
    const rows = await db.selectFrom('links').selectAll().where('sync', '=', sync).where(column, 'in', part).execute();
    for (const row of rows) found.set(side === 'crm' ? row.crm_id : row.erp_id, row);
  }
  return found;
}

export interface LinkUpdate {
  readonly sync: string;
  readonly crmId: string;
  readonly erpId: string;
  /** Canonical values to merge into the base snapshot. */
  readonly base: Readonly<Record<string, unknown>>;
  /** Changes to the link's markers (state/link-markers.ts); absent: they stay. */
  readonly markers?: MarkerUpdate;
  readonly crmVersion?: string;
  readonly erpVersion?: string;
}

/** Creates the link or merges into it: base values are merged field by field, versions and markers replaced when given. */
export async function mergeLink(db: Kysely<Database>, update: LinkUpdate, now: string): Promise<void> {
  const existing = await db
    .selectFrom('links')
    .selectAll()
    .where('sync', '=', update.sync)
    .where('crm_id', '=', update.crmId)
    .executeTakeFirst();
  await mergeInto(db, existing, update, now);
}

/**
 * {@link mergeLink} with the link already read (`undefined`: there is none), for a batch that reads
 * its links in one query; returns the link as it is now, for a later update of the same batch.
 */
export async function mergeInto(
  db: Kysely<Database>,
  existing: LinkRow | undefined,
  update: LinkUpdate,
  now: string,
): Promise<LinkRow> {
  const base = {
    ...(existing === undefined ? {} : (JSON.parse(existing.base) as Record<string, unknown>)),
    ...update.base,
  };
  const values = {
    erp_id: update.erpId,
    base: JSON.stringify(base),
    payload_hash: existing?.payload_hash ?? '',
    updated_at: now,
    crm_version: update.crmVersion ?? existing?.crm_version ?? null,
    erp_version: update.erpVersion ?? existing?.erp_version ?? null,
    ...applyMarkers(existing, update.markers),
  };
  if (existing === undefined) {
    await db
      .insertInto('links')
      .values({ sync: update.sync, crm_id: update.crmId, ...values })
      .execute();
  } else {
    await db
      .updateTable('links')
      .set(values)
      .where('sync', '=', update.sync)
      .where('crm_id', '=', update.crmId)
      .execute();
  }
  return { sync: update.sync, crm_id: update.crmId, ...values };
}

/** What a scan over every link reads of each. */
export type LinkPage = Pick<LinkRow, 'crm_id' | 'erp_id' | 'base' | 'updated_at'>;

/** Links of `sync` after CRM id `after` in id order, `limit` at a time: for scans that page through every link. */
export async function linksAfter(
  db: Kysely<Database>,
  sync: string,
  after: string,
  limit: number,
): Promise<LinkPage[]> {
  return db
    .selectFrom('links')
    .select(['crm_id', 'erp_id', 'base', 'updated_at'])
    .where('sync', '=', sync)
    .where('crm_id', '>', after)
    .orderBy('crm_id')
    .limit(limit)
    .execute();
}
