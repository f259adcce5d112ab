/**
 * What a link remembers besides its base snapshot: whether Tandem archived one of its records (for a
 * delete on the other side), and which tombstones it has handled. Kept in their own columns
 * (`links.archived_by_us`, `links.deletes_handled`, migration 0010) so that the base holds only
 * mapped canonical fields.
 */
import { z } from 'zod';
import type { Side } from './schema.js';

/** A link's markers as read. */
export interface LinkMarkers {
  /** The side Tandem archived because its counterpart was deleted; null when none (or history now). */
  readonly archivedByUs: Side | null;
  /** Per side, the modification time of the last tombstone of that side's record Tandem handled. */
  readonly deletesHandled: Readonly<Partial<Record<Side, string>>>;
}

/** A change to a link's markers; an absent field leaves that marker as it is. */
export interface MarkerUpdate {
  /** A side: Tandem archived it. null: forget an earlier archive of ours. */
  readonly archivedByUs?: Side | null;
  /** The tombstone of `side`'s record, at `at`, is handled. */
  readonly deleteHandled?: { readonly side: Side; readonly at: string };
}

const sideSchema = z.enum(['crm', 'erp']);
const deletesSchema = z.object({ crm: z.string().optional(), erp: z.string().optional() }).strict();
const updateSchema = z
  .object({
    archivedByUs: sideSchema.nullable().optional(),
    deleteHandled: z.object({ side: sideSchema, at: z.string() }).strict().optional(),
  })
  .strict();

/** The marker columns of a stored link. */
export interface MarkerColumns {
  readonly archived_by_us: string | null;
  readonly deletes_handled: string | null;
}

/** A stored link's markers; a value the store cannot have written is an error naming the column. */
export function markersOf(row: MarkerColumns): LinkMarkers {
  return {
    archivedByUs: row.archived_by_us === null ? null : sideSchema.parse(row.archived_by_us),
    deletesHandled: row.deletes_handled === null ? {} : deletesSchema.parse(JSON.parse(row.deletes_handled)),
  };
}

/** The marker columns after `update` is applied to `row` (a link not stored yet: `undefined`). */
export function applyMarkers(row: MarkerColumns | undefined, update: MarkerUpdate | undefined): MarkerColumns {
  // Only the two columns: `row` may be a whole link row, spread into an update by the caller.
  const current: MarkerColumns = {
    archived_by_us: row?.archived_by_us ?? null,
    deletes_handled: row?.deletes_handled ?? null,
  };
  if (update === undefined) return current;
  const deletes = update.deleteHandled;
  return {
    archived_by_us: update.archivedByUs === undefined ? current.archived_by_us : update.archivedByUs,
    deletes_handled:
      deletes === undefined
        ? current.deletes_handled
        : JSON.stringify({ ...markersOf(current).deletesHandled, [deletes.side]: deletes.at }),
  };
}

/** JSON of a marker update for an outbox row (`outbox.link_markers`); null when it changes nothing. */
export function encodeMarkerUpdate(update: MarkerUpdate | undefined): string | null {
  if (update === undefined || (update.archivedByUs === undefined && update.deleteHandled === undefined)) return null;
  return JSON.stringify(update);
}

/** An outbox row's marker update, as {@link encodeMarkerUpdate} stored it. */
export function decodeMarkerUpdate(json: string | null): MarkerUpdate | undefined {
  return json === null ? undefined : updateSchema.parse(JSON.parse(json));
}
