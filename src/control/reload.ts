/**
 * What a SIGHUP changes in a running sync: the keys read live from the sync's definition
 * (`schedule`, `enabled`, `staleAfterMs`) take the reloaded value; every other key keeps the
 * value the sync started with, because the mapping, the connectors and the drift schedule were
 * built from it, and is named so the daemon can say that it needs a restart.
 */
import type { SyncEntry } from '../config/load.js';

/** The sync keys a SIGHUP applies; the rest of a sync's entry needs a restart. */
export const RELOADED_SYNC_KEYS = ['schedule', 'enabled', 'staleAfterMs'] as const;

export interface ReloadedEntry {
  /** The running entry with the reloaded keys of `after`. */
  readonly entry: SyncEntry;
  /** Reloadable keys whose value changed. */
  readonly applied: readonly string[];
  /** Keys that changed in the file but keep their running value until a restart. */
  readonly needRestart: readonly string[];
}

export function reloadEntry(before: SyncEntry, after: SyncEntry): ReloadedEntry {
  const reloaded = new Set<string>(RELOADED_SYNC_KEYS);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter(
    (key) => JSON.stringify(before[key as keyof SyncEntry]) !== JSON.stringify(after[key as keyof SyncEntry]),
  );
  // Removing `staleAfterMs` from the file turns the staleness check off: undefined is the point.
  const entry: SyncEntry = {
    ...before,
    schedule: after.schedule,
    enabled: after.enabled,
    staleAfterMs: after.staleAfterMs,
  };
  return {
    entry,
    applied: changed.filter((key) => reloaded.has(key)),
    needRestart: changed.filter((key) => !reloaded.has(key)),
  };
}
