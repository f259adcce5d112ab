/**
 * Tryton search domains of the change reader: the keyset after a cursor on one date column, and
 * "changed since" over both streams (created and never written, or written). Tryton stamps
 * `create_date` / `write_date` with microseconds; a cursor keeps them (connectors/cursor.ts).
 */
import type { Cursor } from '../types.js';
import { isIsoInstant, toTrytonDatetime } from './values.js';

/** A cursor's time as ISO with microseconds; a coarser instant (`2024-01-01`) is accepted too. */
export function cursorInstant(text: string): string {
  if (isIsoInstant(text)) return text;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`not a cursor time: ${text}`);
  return new Date(ms).toISOString();
}

/** The keyset domain on one column: after (time, id), or at/after the time when the id is unknown. */
export function keyset(column: string, cursor: Cursor | null): unknown[] {
  if (cursor === null) return [];
  const at = toTrytonDatetime(cursorInstant(cursor.modifiedAt));
  if (cursor.lastId === null) return [[column, '>=', at]];
  return [
    [
      'OR',
      [[column, '>', at]],
      [
        [column, '=', at],
        ['id', '>', Number(cursor.lastId)],
      ],
    ],
  ];
}

/** The domain of records modified at or after `since`: both streams of `readChanges`. */
export function sinceDomain(since: string | null): unknown[] {
  if (since === null) return [];
  const at = toTrytonDatetime(cursorInstant(since));
  return [
    [
      'OR',
      [
        ['write_date', '=', null],
        ['create_date', '>=', at],
      ],
      [['write_date', '>=', at]],
    ],
  ];
}
