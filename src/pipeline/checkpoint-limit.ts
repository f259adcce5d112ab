/**
 * Where a page may move a side's checkpoint: to the page's cursor, but never past the reading
 * side's own now minus its settle window (connectors/cursor.ts). Records dated after the vendor's
 * now (a clock that ran ahead, a record stamped 2099 by some other integration) are processed like
 * any other, but do not carry the checkpoint; they are logged and counted on a diagnostics channel
 * (the metrics subscribe to it, as to the HTTP channel).
 */
import diagnostics from 'node:diagnostics_channel';
import { clampCursor, compareTimes, settleLimit } from '../../connectors/cursor.js';
import type { ChangePage, Cursor } from '../../connectors/types.js';
import type { Logger } from '../logger.js';
import type { Side } from '../mapping/resolver.js';
import type { RuntimeConnector } from '../runtime/instrument.js';

/** The channel {@link FutureDatedEvent}s are published on. */
export const CURSOR_EVENTS_CHANNEL = 'tandem:cursor';

/** Records of one page dated after the reading side's now. */
export interface FutureDatedEvent {
  readonly sync: string;
  readonly side: Side;
  readonly connector: string;
  readonly records: number;
}

/**
 * How far past the vendor's now a record may be dated before it is called "from the future": the
 * `Date` header has whole seconds, so an estimate of the vendor's clock runs up to a second early.
 */
export const FUTURE_TOLERANCE_MS = 2000;

const cursorEvents = diagnostics.channel(CURSOR_EVENTS_CHANNEL);

/** The cursor a page may save: its own, clamped to the settle limit of `connector`'s clock. */
export function checkpointOf(
  page: ChangePage,
  connector: RuntimeConnector,
  context: { readonly sync: string; readonly side: Side; readonly logger: Logger },
): Cursor {
  const now = connector.clock?.now() ?? Date.now();
  const horizon = new Date(now + FUTURE_TOLERANCE_MS).toISOString();
  const ahead = page.records.filter((r) => compareTimes(r.modifiedAt, horizon) > 0);
  if (ahead.length > 0) {
    context.logger.warn(
      {
        sync: context.sync,
        side: context.side,
        connector: connector.name,
        vendorNow: new Date(now).toISOString(),
        records: ahead.slice(0, 10).map((r) => ({ id: r.id, modifiedAt: r.modifiedAt })),
        count: ahead.length,
      },
      `${ahead.length} record(s) dated after ${connector.name}'s own clock: processed, but the checkpoint stays at the vendor's now; check the clock of whatever wrote them`,
    );
    if (cursorEvents.hasSubscribers)
      cursorEvents.publish({
        sync: context.sync,
        side: context.side,
        connector: connector.name,
        records: ahead.length,
      } satisfies FutureDatedEvent);
  }
  return clampCursor(page.cursor, settleLimit(now, connector.settleSeconds ?? 0));
}
