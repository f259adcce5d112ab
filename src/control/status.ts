/** Where every sync stands, read from the state store alone (no vendor calls): `tandem status`, `/api/syncs`, metrics. */
import type { LeaseInfo, LeasePurpose, StateStore } from '../../state/index.js';
import type { Config } from '../config/load.js';

/** What the status is read from. */
export interface StatusSources {
  readonly config: Config;
  readonly store: StateStore;
}

export interface SyncStatus {
  readonly sync: string;
  readonly enabled: boolean;
  readonly schedule: string;
  readonly checkpoint: { readonly modifiedAt: string; readonly lastId: string | null; readonly savedAt: string } | null;
  readonly lastRun: {
    readonly id: number;
    readonly kind: string;
    readonly status: string;
    readonly startedAt: string;
    readonly finishedAt: string | null;
  } | null;
  readonly lastSuccessAt: string | null;
  readonly links: number;
  readonly outbox: { readonly pending: number; readonly done: number; readonly dead: number };
  readonly deadLetters: number;
  readonly ambiguousMatches: number;
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
  const result: SyncStatus[] = [];
  for (const sync of Object.values(app.config.syncs)) {
    const checkpoint = checkpoints.find((c) => c.sync === sync.name && c.side === 'crm');
    const last = await app.store.lastRun(sync.name);
    const success = await app.store.lastRun(sync.name, 'succeeded');
    result.push({
      sync: sync.name,
      enabled: sync.enabled,
      schedule: sync.schedule,
      checkpoint: checkpoint === undefined ? null : { ...checkpoint.cursor, savedAt: checkpoint.updatedAt },
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
      outbox: await app.store.outboxCounts(sync.name),
      deadLetters: await app.store.countDeadLetters(sync.name),
      ambiguousMatches: (await app.store.ambiguousMatches(sync.name)).length,
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
