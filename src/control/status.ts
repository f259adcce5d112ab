/** Where every sync stands, read from the state store alone (no vendor calls): `tandem status`, `/api/syncs`, metrics. */
import type { CheckpointInfo, LeaseInfo, LeasePurpose, RunRow, StateStore } from '../../state/index.js';
import type { Config } from '../config/load.js';
import { readPaused } from './pause-file.js';

/** What the status is read from. */
export interface StatusSources {
  readonly config: Config;
  readonly store: StateStore;
  /** The clock the lag is measured with (default Date.now). */
  readonly now?: () => number;
}

/** Where one side's reading resumes. */
export type CheckpointStatus = {
  readonly modifiedAt: string;
  readonly lastId: string | null;
  readonly savedAt: string;
} | null;

export interface SyncStatus {
  readonly sync: string;
  readonly enabled: boolean;
  readonly schedule: string;
  /** Whether an operator paused the sync (`tandem pause`, the console): scheduled and webhook runs skip it. */
  readonly paused: boolean;
  /** The CRM side's checkpoint (kept for existing readers; `checkpoints` has both sides). */
  readonly checkpoint: CheckpointStatus;
  readonly checkpoints: { readonly crm: CheckpointStatus; readonly erp: CheckpointStatus };
  readonly lastRun: {
    readonly id: number;
    readonly kind: string;
    readonly status: string;
    readonly startedAt: string;
    readonly finishedAt: string | null;
  } | null;
  readonly lastSuccessAt: string | null;
  readonly links: number;
  readonly outbox: {
    readonly pending: number;
    readonly done: number;
    readonly dead: number;
    readonly oldestPendingAt: string | null;
  };
  readonly deadLetters: number;
  readonly ambiguousMatches: number;
  /** Open conflicts, waiting for a person. */
  readonly conflicts: number;
  /**
   * How far behind the oldest change not yet processed is, in seconds: 0 when the last run
   * succeeded and nothing waits in the outbox; null before the first run.
   */
  readonly lagSeconds: number | null;
  /** Who holds the sync (one writer per sync); null when no process holds it now. */
  readonly lease: {
    readonly purpose: LeasePurpose;
    readonly pid: number;
    readonly host: string;
    readonly since: string;
    readonly heartbeatAt: string;
    readonly expiresAt: string;
    readonly token: number;
  } | null;
}

export async function collectStatus(app: StatusSources): Promise<SyncStatus[]> {
  const checkpoints = await app.store.checkpoints();
  const leases = new Map((await app.store.leases.list()).map((l) => [l.sync, l]));
  const paused = readPaused(app.config.dataDir);
  const now = (app.now ?? Date.now)();
  const result: SyncStatus[] = [];
  for (const sync of Object.values(app.config.syncs)) {
    const at = (side: 'crm' | 'erp'): CheckpointStatus => checkpointOf(checkpoints, sync.name, side);
    const last = await app.store.lastRun(sync.name);
    const success = await app.store.lastRun(sync.name, 'succeeded');
    const outbox = await app.store.outboxCounts(sync.name);
    result.push({
      sync: sync.name,
      enabled: sync.enabled,
      schedule: sync.schedule,
      paused: paused.has(sync.name),
      checkpoint: at('crm'),
      checkpoints: { crm: at('crm'), erp: at('erp') },
      lastRun:
        last === undefined
          ? null
          : {
              id: last.id,
              kind: last.kind,
              status: last.status,
              startedAt: last.started_at,
              finishedAt: last.finished_at,
            },
      lastSuccessAt: success?.finished_at ?? null,
      links: await app.store.countLinks(sync.name),
      outbox,
      deadLetters: await app.store.countDeadLetters(sync.name),
      ambiguousMatches: (await app.store.ambiguousMatches(sync.name)).length,
      conflicts: await app.store.countOpenConflicts(sync.name),
      lagSeconds: lagSeconds(now, { last, success, outbox, checkpoint: at('crm') }),
      lease: heldLease(leases.get(sync.name)),
    });
  }
  return result;
}

function heldLease(lease: LeaseInfo | undefined): SyncStatus['lease'] {
  if (lease === undefined || lease.owner === null) return null;
  const { purpose, pid, host, acquiredAt, heartbeatAt, expiresAt, token } = lease;
  return { purpose, pid, host, since: acquiredAt, heartbeatAt, expiresAt, token };
}

function checkpointOf(rows: readonly CheckpointInfo[], sync: string, side: 'crm' | 'erp'): CheckpointStatus {
  const row = rows.find((c) => c.sync === sync && c.side === side);
  return row === undefined ? null : { ...row.cursor, savedAt: row.updatedAt };
}

/**
 * The lag: how old the oldest change not processed yet is. A run that succeeded read every change
 * up to its start, so with nothing pending in the outbox the sync is caught up (0), however long
 * ago the last change happened. Operations waiting in the outbox: since the oldest was queued.
 * The last run failed or was interrupted: since the last successful run started (what came after
 * may not be read), or, never successful, since the CRM checkpoint's modification time.
 */
export function lagSeconds(
  now: number,
  s: {
    readonly last: RunRow | undefined;
    readonly success: RunRow | undefined;
    readonly outbox: { readonly oldestPendingAt: string | null };
    readonly checkpoint: CheckpointStatus;
  },
): number | null {
  if (s.last === undefined) return null;
  const since = (iso: string): number => Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const behind = s.last.status === 'failed' || s.last.status === 'interrupted';
  const unread = !behind
    ? null
    : s.success !== undefined
      ? s.success.started_at
      : (s.checkpoint?.modifiedAt ?? s.last.started_at);
  const oldest = [unread, s.outbox.oldestPendingAt].filter((t): t is string => t !== null);
  if (oldest.length === 0) return s.success === undefined && s.last.status !== 'succeeded' ? null : 0;
  return Math.max(...oldest.map(since));
}
