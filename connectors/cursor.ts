/**
 * The one keyset cursor of Tandem, as Airbyte keeps one `Cursor`: records are ordered by
 * (modification time, id); a reader resumes "after this cursor"; the engine re-reads a lookback
 * before the checkpoint, and never saves a checkpoint past the reading side's own "now" minus its
 * settle window. Every reader and the pipeline use these functions; none keeps its own comparator.
 *
 * Times are ISO 8601 instants, compared as instants to the microsecond (Tryton keeps microseconds).
 */
import type { Cursor } from './types.js';

/** A (time, id) key: a record's `modifiedAt` and `id`, or a cursor's `modifiedAt` and `lastId`. */
export interface KeysetKey {
  readonly modifiedAt: string;
  readonly id: string | null;
}

/** Numeric ids (HubSpot, Odoo, Tryton) in numeric order, longer ids later; other ids as text. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : 1);
  return a < b ? -1 : 1;
}

/** Microseconds past the millisecond of an ISO text (`.123456` -> 456); 0 when it has none. */
function subMillisecond(text: string): number {
  const digits = /\.\d{3}(\d{1,3})/.exec(text)?.[1];
  return digits === undefined ? 0 : Number(digits.padEnd(3, '0'));
}

/** Orders two ISO instants, microseconds included (Tryton keeps them; `Date.parse` drops them). */
export function compareTimes(a: string, b: string): number {
  if (a === b) return 0;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return Math.sign(subMillisecond(a) - subMillisecond(b));
}

/** Orders keys by (time, id); a null id sorts before any id at the same time ("the whole instant"). */
export function compareKeys(a: KeysetKey, b: KeysetKey): number {
  const byTime = compareTimes(a.modifiedAt, b.modifiedAt);
  if (byTime !== 0) return byTime;
  if (a.id === b.id) return 0;
  if (a.id === null) return -1;
  if (b.id === null) return 1;
  return compareIds(a.id, b.id);
}

/** Orders cursors by (modifiedAt, lastId); a null lastId sorts before any id at the same time. */
export function compareCursor(a: Cursor, b: Cursor): number {
  return compareKeys({ modifiedAt: a.modifiedAt, id: a.lastId }, { modifiedAt: b.modifiedAt, id: b.lastId });
}

/** The key of a cursor, for comparing it with records. */
export const cursorKey = (cursor: Cursor): KeysetKey => ({ modifiedAt: cursor.modifiedAt, id: cursor.lastId });

/**
 * True when a record sorts after the cursor: later, or at the cursor's time with a greater id. A
 * null `lastId` means the whole instant is still to read, so records at that time are after it.
 */
export function isAfter(record: { readonly modifiedAt: string; readonly id: string }, cursor: Cursor | null): boolean {
  if (cursor === null) return true;
  const byTime = compareTimes(record.modifiedAt, cursor.modifiedAt);
  if (byTime !== 0) return byTime > 0;
  return cursor.lastId === null || compareIds(record.id, cursor.lastId) > 0;
}

/** The cursor `seconds` before `cursor`, re-reading the whole instant there; the cursor itself for 0. */
export function lookback(cursor: Cursor, seconds: number): Cursor {
  if (seconds <= 0) return cursor;
  return { modifiedAt: new Date(Date.parse(cursor.modifiedAt) - seconds * 1000).toISOString(), lastId: null };
}

/**
 * The latest cursor a checkpoint may hold when the reading side's clock says `nowMs`: `settleSeconds`
 * before it. Records dated after it may still be joined by records committed or indexed late (a
 * search index that lags, a transaction stamped at its start), or are dated ahead of the vendor's
 * own clock; they are processed, but the checkpoint stays here so the next run reads them again.
 */
export function settleLimit(nowMs: number, settleSeconds: number): Cursor {
  return { modifiedAt: new Date(nowMs - Math.max(0, settleSeconds) * 1000).toISOString(), lastId: null };
}

/** `cursor`, or `limit` when the cursor passes it. */
export function clampCursor(cursor: Cursor, limit: Cursor): Cursor {
  return compareCursor(cursor, limit) > 0 ? limit : cursor;
}
