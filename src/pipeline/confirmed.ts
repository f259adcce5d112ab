/**
 * Re-reads that cost nothing: an incremental read starts a lookback and a settle window before
 * "now", so every run reads the last minutes' records again. A re-read record whose version the
 * link already records (the version merged last time) is dropped before counterpart lookups
 * (issue #14's idle run), when that version can be trusted to mean "nothing new":
 *
 * - `capabilities.exactVersions` (HubSpot's milliseconds, Tryton's microseconds): one version is
 *   one state, so an equal version is enough.
 * - Odoo shows `write_date` to the second and stamps it at the transaction's START: two edits in
 *   one second, or a long transaction committing after the version was seen, share the version.
 *   An equal version is trusted when its whole second lies before the checkpoint the run started
 *   from (saved a settle window behind the vendor's clock by the run that last read the record, so
 *   every transaction stamped in that second had committed by then); inside the window, only when
 *   the record's own mapped values still equal the base snapshot (nothing of this side to carry
 *   over: a second edit in the same second shows as a difference, and is processed).
 *
 * A dropped record is not re-merged with its counterpart: a change on the other side is that
 * side's reader's to bring (it has its own, newer version there).
 *
 * Records outside the sync's filter are dropped here too, and counted as filtered: planning does
 * nothing with them, and the window re-reads them on every run (a companies sync re-reading
 * every person partner would look up each one on the other side). Except a linked CRM record that
 * matches `onLeave.when`: leaving the filter is what planning must see (policies.ts).
 */
import { compareTimes } from '../../connectors/cursor.js';
import type { Cursor, SourceRecord } from '../../connectors/types.js';
import { markersOf } from '../../state/index.js';
import type { Side } from '../mapping/resolver.js';
import type { CanonicalValues } from '../mapping/types.js';
import { sameValue } from '../mapping/values.js';
import type { RunContext } from './context.js';
import { isLeaving } from './policies.js';
import { PrefetchingResolver } from './resolver.js';

/** The records of `page` that need processing, and how many were dropped as confirmed re-reads. */
export async function dropConfirmed(
  ctx: RunContext,
  side: Side,
  page: readonly SourceRecord[],
  exactVersions: boolean,
  checkpoint: Cursor | null,
): Promise<{ readonly records: readonly SourceRecord[]; readonly dropped: number; readonly filtered: number }> {
  // Filters do not depend on references: no resolver is needed to ask (as counterparts.ts asks).
  const filtered = page.filter((r) => {
    if (r.deleted) return false;
    const mine = ctx.sync.mapping.canonical(side, r);
    return !mine.ok && mine.code === 'FILTERED';
  });
  // A linked CRM record that left (`onLeave`, policies.ts) is planned although the filter leaves it out.
  const leaving = filtered.filter((r) => isLeaving(ctx, side, r));
  const leftLinks =
    leaving.length === 0
      ? new Map<string, unknown>()
      : await ctx.store.linksBySide(
          ctx.sync.name,
          side,
          leaving.map((r) => r.id),
        );
  const outside = new Set(filtered.filter((r) => !leftLinks.has(r.id)));
  const candidates = page.filter((r) => !r.deleted && !outside.has(r));
  if (candidates.length === 0) return finish(page, new Set(), outside);
  const links = await ctx.store.linksBySide(
    ctx.sync.name,
    side,
    candidates.map((r) => r.id),
  );
  const same: { record: SourceRecord; base: CanonicalValues }[] = [];
  for (const record of candidates) {
    const link = links.get(record.id);
    if (link === undefined) continue;
    if ((side === 'crm' ? link.crm_version : link.erp_version) !== record.modifiedAt) continue;
    // A counterpart archived by us may be restored by this record: that path must see it.
    if (markersOf(link).archivedByUs === null) same.push({ record, base: JSON.parse(link.base) as CanonicalValues });
  }
  const confirmed = new Set<SourceRecord>();
  const unsure: typeof same = [];
  for (const entry of same)
    if (exactVersions || settledBefore(entry.record.modifiedAt, checkpoint)) confirmed.add(entry.record);
    else unsure.push(entry);
  if (unsure.length > 0) {
    const resolver = new PrefetchingResolver(ctx.store, { crm: ctx.sync.crm, erp: ctx.sync.erp }, ctx.catalogs);
    const mapped = await resolver.prefetch(() =>
      unsure.map((u) => ctx.sync.mapping.canonical(side, u.record, resolver)),
    );
    unsure.forEach((u, i) => {
      const mine = mapped[i];
      if (mine?.ok === true && unchanged(mine.values, u.base)) confirmed.add(u.record);
    });
  }
  return finish(page, confirmed, outside);
}

function finish(
  page: readonly SourceRecord[],
  confirmed: ReadonlySet<SourceRecord>,
  outside: ReadonlySet<SourceRecord>,
) {
  if (confirmed.size === 0 && outside.size === 0) return { records: page, dropped: 0, filtered: 0 };
  const records = page.filter((r) => !confirmed.has(r) && !outside.has(r));
  return { records, dropped: confirmed.size, filtered: outside.size };
}

/** Every mapped value equals the base's (a field the base lacks is a change). */
function unchanged(values: CanonicalValues, base: CanonicalValues): boolean {
  return Object.entries(values).every(
    ([field, value]) =>
      Object.prototype.hasOwnProperty.call(base, field) && sameValue(value ?? null, base[field] ?? null),
  );
}

/** True when the whole second of `modifiedAt` lies before the checkpoint's time. */
function settledBefore(modifiedAt: string, checkpoint: Cursor | null): boolean {
  if (checkpoint === null) return false;
  const secondEnd = new Date(Math.floor(Date.parse(modifiedAt) / 1000) * 1000 + 1000).toISOString();
  return compareTimes(secondEnd, checkpoint.modifiedAt) <= 0;
}
