/**
 * Open conflicts for the HTTP API and metrics, read through the state store (every store has the
 * `conflicts` table: migration 0003 creates it).
 */
import type { StateStore } from '../../state/index.js';

/** Open conflicts of each named sync. */
export async function countOpenConflicts(store: StateStore, syncs: readonly string[]): Promise<Map<string, number>> {
  const counts = await Promise.all(syncs.map(async (sync) => [sync, await store.countOpenConflicts(sync)] as const));
  return new Map(counts);
}

/**
 * Open conflicts as stored, oldest first. `available` is always true: it said whether the table
 * existed before migration 0003 made it part of every store, and is kept for the API's clients.
 */
export async function listOpenConflicts(
  store: StateStore,
  sync: string | undefined,
): Promise<{ available: true; conflicts: Record<string, unknown>[] }> {
  return { available: true, conflicts: await store.conflicts(sync, 'open') };
}
