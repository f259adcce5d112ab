/** `tandem status`: where every sync stands, read from the state store alone (no vendor calls). */
import type { LeaseInfo, LeasePurpose } from '../../../state/index.js';
import type { App } from '../../app.js';
import { EXIT_OK } from '../exit-codes.js';
import type { Output } from '../output.js';
import { openForCommand } from './common.js';

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

export async function collectStatus(app: App): Promise<SyncStatus[]> {
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

export async function statusCommand(
  flags: { readonly config: string; readonly json?: boolean },
  out: Output,
): Promise<number> {
  const app = await openForCommand(flags.config, { connect: false });
  try {
    const syncs = await collectStatus(app);
    const saved = new Map((await app.store.breakers()).map((b) => [b.connector, b]));
    const connectors = Object.values(app.config.connectors).map((c) => ({
      name: c.name,
      kind: c.base.kind,
      circuit: saved.get(c.name)?.circuit ?? 'closed',
      circuitSince: saved.get(c.name)?.updatedAt ?? null,
    }));
    if (flags.json === true) {
      out.json({ stateFile: app.config.stateFile, connectors, syncs });
    } else {
      for (const c of connectors) {
        out.line(
          `connector ${c.name} (${c.kind}): circuit ${c.circuit}${c.circuitSince === null ? '' : ` since ${c.circuitSince}`}`,
        );
      }
      for (const s of syncs) {
        out.line(
          `${s.sync}: ${s.enabled ? 'enabled' : 'disabled'} (${s.schedule}); checkpoint ${s.checkpoint?.modifiedAt ?? 'none'}; ` +
            `last run ${s.lastRun === null ? 'never' : `#${s.lastRun.id} ${s.lastRun.kind} ${s.lastRun.status}`}; ` +
            `links ${s.links}; outbox pending ${s.outbox.pending}; dead letters ${s.deadLetters}; ambiguous ${s.ambiguousMatches}; ` +
            (s.lease === null
              ? 'lease free'
              : `held by ${s.lease.purpose} pid ${s.lease.pid} on ${s.lease.host} since ${s.lease.since} (expires ${s.lease.expiresAt})`),
        );
      }
    }
    return EXIT_OK;
  } finally {
    await app.close();
  }
}
